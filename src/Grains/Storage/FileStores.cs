using Azure.Storage.Blobs;
using Sluice.Checkpointing.Blob;
using Sluice.Contracts;
using Sluice.Hosting;

namespace Sluice.Storage;

/// <summary>Opens a data folder by its location: <c>azblob://container/prefix</c>, <c>s3://bucket/prefix</c>, or a local folder.</summary>
internal static class FileStores
{
    public static IFileStore Open(string location, SluiceOptions options)
    {
        if (BlobLocation.IsBlob(location))
        {
            var parsed = BlobLocation.Parse(location);
            if (string.IsNullOrWhiteSpace(options.Blob.ConnectionString))
            {
                throw new QueryStartException($"'{location}' is in Azure Blob Storage, but no storage account is configured: set Sluice:Blob:ConnectionString.");
            }
            var service = new BlobServiceClient(options.Blob.ConnectionString);
            return new BlobFileStore(service, service.GetBlobContainerClient(parsed.Container), location, parsed.Prefix);
        }
        if (S3Location.IsS3(location))
        {
            return new S3FileStore(S3Clients.Create(options.S3), S3Location.Parse(location));
        }
        return new LocalFileStore(location);
    }
}
