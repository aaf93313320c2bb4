using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Sluice.Checkpointing.Blob;

namespace Sluice.Storage;

/// <summary>An Azure Blob prefix (<c>azblob://container/prefix</c>) as a folder: the blobs directly under it.</summary>
internal sealed class BlobFileStore(BlobServiceClient service, BlobContainerClient container, string location, string prefix) : IFileStore
{
    public string Location => location;

    public async Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        var files = new List<StoredFile>();
        var start = prefix.Length == 0 ? "" : prefix + "/";
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, start, cancellationToken))
        {
            if (FileNames.IsDataPath(blob.Name[start.Length..]))
            {
                var modified = blob.Properties.LastModified ?? DateTimeOffset.UnixEpoch;
                files.Add(new StoredFile($"{BlobLocation.Scheme}{container.Name}/{blob.Name}", blob.Properties.ContentLength ?? 0, modified.ToUnixTimeMilliseconds()));
            }
        }
        return files;
    }

    public async Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken) =>
        (await Blob(path).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();

    public Task DeleteAsync(string path, CancellationToken cancellationToken) => Blob(path).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    public async Task ArchiveAsync(string path, string archiveRoot, CancellationToken cancellationToken)
    {
        var archive = BlobLocation.Parse(archiveRoot);
        var key = BlobLocation.Parse(path).Prefix;
        var target = service.GetBlobContainerClient(archive.Container)
            .GetBlobClient(archive.Prefix.Length == 0 ? $"{container.Name}/{key}" : $"{archive.Prefix}/{container.Name}/{key}");
        await target.UploadAsync(new BinaryData(await ReadAllAsync(path, cancellationToken)), overwrite: true, cancellationToken);
        await DeleteAsync(path, cancellationToken);
    }

    private BlobClient Blob(string path) => container.GetBlobClient(BlobLocation.Parse(path).Prefix);
}
