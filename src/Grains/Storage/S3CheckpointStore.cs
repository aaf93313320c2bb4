using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Sluice.Checkpointing;

namespace Sluice.Storage;

/// <summary>
/// A checkpoint under an S3 prefix (<c>s3://bucket/prefix</c>): file <c>offsets/3</c> is object <c>prefix/offsets/3</c>.
/// A write is one PUT with <c>If-None-Match: *</c> (S3's conditional write, since August 2024): the service refuses
/// it with 412 when the object exists, so of two writers racing for a batch exactly one succeeds. A store that ignores
/// the header (older S3-compatible servers and emulators) would let the second PUT overwrite the first; a HEAD before the
/// PUT turns the common case (a replay finding its file) into a refusal there too, but cannot close the race
/// (docs/connectors.md says which servers were tried). The bucket is created by the first write that finds it missing.
/// </summary>
internal sealed class S3CheckpointStore(IAmazonS3 s3, S3Location location) : ICheckpointStore
{
    public string Location => location.ToString();

    public Task<bool> TryCreateAsync(string path, string content, CancellationToken cancellationToken = default) =>
        TryCreateBytesAsync(path, Encoding.UTF8.GetBytes(content), cancellationToken);

    public async Task<bool> TryCreateBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (await ExistsAsync(path, cancellationToken))
        {
            return false;
        }
        var request = new PutObjectRequest
        {
            BucketName = location.Bucket,
            Key = location.Key(path),
            InputStream = new MemoryStream(content.ToArray(), writable: false),
            IfNoneMatch = "*",
            UseChunkEncoding = false,
        };
        try
        {
            await s3.PutObjectAsync(request, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            await s3.PutBucketAsync(location.Bucket, cancellationToken);
            return await TryCreateBytesAsync(path, content, cancellationToken);
        }
    }

    public async Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await s3.GetObjectAsync(location.Bucket, location.Key(path), cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string?> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        await ReadBytesAsync(path, cancellationToken) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public async Task<IReadOnlyList<string>> ListAsync(string directory, CancellationToken cancellationToken = default)
    {
        var prefix = location.Key(directory.TrimEnd('/') + "/");
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = location.Bucket, Prefix = prefix, Delimiter = "/" };
        try
        {
            ListObjectsV2Response response;
            do
            {
                response = await s3.ListObjectsV2Async(request, cancellationToken);
                names.AddRange((response.S3Objects ?? []).Select(o => o.Key[prefix.Length..]).Where(n => n.Length > 0));
                request.ContinuationToken = response.NextContinuationToken;
            }
            while (response.IsTruncated == true);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            return [];
        }
        return names;
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        s3.DeleteObjectAsync(location.Bucket, location.Key(path), cancellationToken);

    private async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(location.Bucket, location.Key(path), cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
