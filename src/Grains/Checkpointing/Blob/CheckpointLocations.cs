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

    /// <summary>The location a query's checkpoint is at: a blob location as given, a folder made absolute under <paramref name="checkpointRoot"/>.</summary>
    public static string Resolve(string checkpointRoot, string location) =>
        IsBlob(location) ? location : Path.GetFullPath(Path.Combine(checkpointRoot, location));

    /// <summary>The store at a resolved location. No I/O: an unreachable account shows at the first read or write.</summary>
    public static ICheckpointStore Open(string location, BlobCheckpointOptions options) =>
        IsBlob(location) ? OpenBlob(location, options) : new FolderCheckpointStore(location);

    /// <summary>
    /// Marks the checkpoint as in use by <paramref name="queryName"/> until disposed; throws <see cref="QueryStartException"/>
    /// when another query holds it, or when the blob account cannot be reached. <paramref name="time"/> drives the lease
    /// renewals and should stay the system clock outside tests: the service expires leases by its own clock, not the engine's.
    /// </summary>
    public static async Task<ICheckpointLock> LockAsync(
        string location, string queryName, BlobCheckpointOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
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
