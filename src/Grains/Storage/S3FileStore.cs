using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Sluice.Storage;

/// <summary>An S3 prefix (<c>s3://bucket/prefix</c>) as a folder of data files: the objects directly under it.</summary>
internal sealed class S3FileStore(IAmazonS3 s3, S3Location location) : IFileStore
{
    public string Location => location.ToString();

    public async Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        var files = new List<StoredFile>();
        var start = location.Prefix.Length == 0 ? "" : location.Prefix + "/";
        var request = new ListObjectsV2Request { BucketName = location.Bucket, Prefix = start };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var o in response.S3Objects ?? [])
            {
                if (FileNames.IsDataPath(o.Key[start.Length..]))
                {
                    var modified = o.LastModified is { } m ? new DateTimeOffset(DateTime.SpecifyKind(m, DateTimeKind.Utc)).ToUnixTimeMilliseconds() : 0;
                    files.Add(new StoredFile($"{S3Location.Scheme}{location.Bucket}/{o.Key}", o.Size ?? 0, modified));
                }
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return files;
    }

    public async Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken)
    {
        var target = S3Location.Parse(path);
        try
        {
            using var response = await s3.GetObjectAsync(target.Bucket, target.Prefix, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"{path} does not exist", path, e);
        }
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var target = S3Location.Parse(path);
        return s3.DeleteObjectAsync(target.Bucket, target.Prefix, cancellationToken);
    }

    public async Task ArchiveAsync(string path, string archiveRoot, CancellationToken cancellationToken)
    {
        var source = S3Location.Parse(path);
        var archive = S3Location.Parse(archiveRoot);
        await s3.CopyObjectAsync(source.Bucket, source.Prefix, archive.Bucket, archive.Key($"{source.Bucket}/{source.Prefix}"), cancellationToken);
        await DeleteAsync(path, cancellationToken);
    }
}
