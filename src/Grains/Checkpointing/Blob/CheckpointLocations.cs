using Azure.Storage.Blobs;
using Sluice.Contracts;

namespace Sluice.Checkpointing.Blob;

/// <summary>
/// Turns a query's checkpointLocation into a store and a lock: <c>azblob://&lt;container&gt;/&lt;prefix...&gt;</c> is a
/// prefix in Azure Blob Storage (the account from <see cref="BlobCheckpointOptions.ConnectionString"/>), anything else a folder.
/// </summary>
internal static class CheckpointLocations
{
    public static bool IsBlob(string location) => BlobLocation.IsBlob(location);

    /// <summary>An object-store location (<c>azblob://</c> or <c>s3://</c>), taken as given rather than as a folder.</summary>
    public static bool IsRemote(string location) => IsBlob(location) || Storage.S3Location.IsS3(location);

    /// <summary>The location a query's checkpoint is at: a blob location as given, a folder made absolute under <paramref name="checkpointRoot"/>.</summary>
    public static string Resolve(string checkpointRoot, string location) =>
        IsRemote(location) ? location : Path.GetFullPath(Path.Combine(checkpointRoot, location));

    /// <summary>The store at a resolved location. No I/O: an unreachable account shows at the first read or write.</summary>
    public static ICheckpointStore Open(string location, BlobCheckpointOptions options, Storage.S3Options? s3 = null) =>
        IsBlob(location) ? OpenBlob(location, options)
        : Storage.S3Location.IsS3(location) ? new Storage.S3CheckpointStore(Storage.S3Clients.Create(s3 ?? new Storage.S3Options()), Storage.S3Location.Parse(location))
        : new FolderCheckpointStore(location);

    /// <summary>
    /// Marks the checkpoint as in use by <paramref name="queryName"/> until disposed; throws <see cref="QueryStartException"/>
    /// when another query holds it, or when the blob account cannot be reached. <paramref name="time"/> drives the lease
    /// renewals and should stay the system clock outside tests: the service expires leases by its own clock, not the engine's.
    /// </summary>
    public static async Task<ICheckpointLock> LockAsync(
        string location, string queryName, BlobCheckpointOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        if (Storage.S3Location.IsS3(location))
        {
            // S3 has no lease: two runs on one checkpoint are kept apart only by create-if-absent log writes.
            return new UnlockedCheckpoint();
        }
        if (!IsBlob(location))
        {
            return CheckpointLock.Acquire(location, queryName);
        }
        return await BlobCheckpointLock.AcquireAsync(OpenBlob(location, options), queryName, options.LeaseDuration, time ?? TimeProvider.System, cancellationToken);
    }

    internal static BlobCheckpointStore OpenBlob(string location, BlobCheckpointOptions options)
    {
        var parsed = BlobLocation.Parse(location);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new QueryStartException(
                $"Checkpoint location '{location}' is in Azure Blob Storage, but no storage account is configured: set Sluice:Blob:ConnectionString " +
                "(for Azurite, UseDevelopmentStorage=true or the string scripts/azurite.sh prints), or use a folder checkpointLocation.");
        }
        try
        {
            options.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new QueryStartException(e.Message);
        }
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(options.ConnectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The message says what is wrong without echoing the string, which holds the account key.
            throw new QueryStartException($"Sluice:Blob:ConnectionString is not a storage connection string ({e.Message}); checkpoint location '{location}' cannot be opened.");
        }
        return new BlobCheckpointStore(service.GetBlobContainerClient(parsed.Container), parsed.Prefix);
    }
}
