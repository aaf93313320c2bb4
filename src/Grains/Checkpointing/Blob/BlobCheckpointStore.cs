using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sluice.Checkpointing.Blob;

/// <summary>
/// A checkpoint under a prefix of a blob container: file <c>offsets/3</c> is blob <c>&lt;prefix&gt;/offsets/3</c>, and
/// "directories" are name prefixes listed with the '/' delimiter. A write is one upload with <c>If-None-Match: *</c>,
/// so the service decides who creates a file: of two coordinators racing for a batch, exactly one gets true.
/// Each upload carries a write id in its metadata, so an upload the SDK retried after a lost response recognises
/// its own blob instead of reporting that someone else won. The container is created by the first write that finds it missing.
/// </summary>
internal sealed class BlobCheckpointStore : ICheckpointStore
{
    private const string WriteIdKey = "sluicewriteid";

    private readonly string _prefix;

    public BlobCheckpointStore(BlobContainerClient container, string prefix)
    {
        Container = container;
        _prefix = prefix.Trim('/') is { Length: > 0 } trimmed ? trimmed + "/" : "";
        Location = $"azblob://{container.AccountName}/{container.Name}" + (_prefix.Length > 0 ? "/" + _prefix.TrimEnd('/') : "");
        Endpoint = container.GetParentBlobServiceClient().Uri;
    }

    /// <summary><c>azblob://&lt;account&gt;/&lt;container&gt;/&lt;prefix&gt;</c>.</summary>
    public string Location { get; }

    /// <summary>The account's blob endpoint, for messages.</summary>
    public Uri Endpoint { get; }

    internal BlobContainerClient Container { get; }

    internal BlobClient Blob(string path) => Container.GetBlobClient(_prefix + path);

    public Task<bool> TryCreateAsync(string path, string content, CancellationToken cancellationToken = default) =>
        TryCreateBytesAsync(path, Encoding.UTF8.GetBytes(content), cancellationToken);

    public Task<bool> TryCreateBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        Reachable(async () =>
        {
            var blob = Blob(path);
            var writeId = Guid.NewGuid().ToString("N");
            try
            {
                return await TryUploadAsync(blob, content, writeId, cancellationToken);
            }
            catch (RequestFailedException e) when (BlobFailures.IsContainerNotFound(e))
            {
                await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                return await TryUploadAsync(blob, content, writeId, cancellationToken);
            }
        });

    private static async Task<bool> TryUploadAsync(BlobClient blob, ReadOnlyMemory<byte> content, string writeId, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { [WriteIdKey] = writeId },
        };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (BlobFailures.IsAlreadyExists(e))
        {
            var existing = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return existing.Value.Metadata.TryGetValue(WriteIdKey, out var id) && id == writeId;
        }
    }

    public async Task<string?> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        await ReadBytesAsync(path, cancellationToken) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken = default) =>
        Reachable(async () =>
        {
            try
            {
                var result = await Blob(path).DownloadContentAsync(cancellationToken);
                return result.Value.Content.ToArray();
            }
            catch (RequestFailedException e) when (BlobFailures.IsNotFound(e))
            {
                return null;
            }
        });

    public Task<IReadOnlyList<string>> ListAsync(string directory, CancellationToken cancellationToken = default) =>
        Reachable<IReadOnlyList<string>>(async () =>
        {
            var prefix = directory.Trim('/') is { Length: > 0 } dir ? _prefix + dir + "/" : _prefix;
            var names = new List<string>();
            try
            {
                var options = new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" };
                await foreach (var item in Container.GetBlobsByHierarchyAsync(options, cancellationToken))
                {
                    if (item.IsBlob && item.Blob.Name[prefix.Length..] is { Length: > 0 } name && !name.StartsWith('.'))
                    {
                        names.Add(name);
                    }
                }
            }
            catch (RequestFailedException e) when (BlobFailures.IsContainerNotFound(e))
            {
                return [];
            }
            return names;
        });

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        Reachable(async () =>
        {
            try
            {
                await Blob(path).DeleteAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (BlobFailures.IsNotFound(e))
            {
            }
            return true;
        });

    private async Task<T> Reachable<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (BlobFailures.IsUnreachable(e))
        {
            throw new IOException(BlobFailures.Unreachable(Endpoint, Location, e), e);
        }
    }
}
