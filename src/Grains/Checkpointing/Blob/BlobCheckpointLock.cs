using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Sluice.Contracts;

namespace Sluice.Checkpointing.Blob;

/// <summary>
/// Marks a blob checkpoint as in use by a running query, as <see cref="CheckpointLock"/> does for folders: a lease on
/// <c>&lt;prefix&gt;/.lock</c>, renewed in the background at a third of its duration and released on dispose, so a
/// second query (on this silo or another) cannot run on the checkpoint. If the silo dies the lease runs out by itself.
/// The lock blob's content names the holder, for the message the second query gets.
/// </summary>
internal sealed class BlobCheckpointLock : ICheckpointLock
{
    public const string LockFile = ".lock";

    private readonly BlobLeaseClient _lease;
    private readonly string _location;
    private readonly TimeSpan _leaseDuration;
    private string _lostCause = "";
    private readonly ITimer _timer;
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _renewing;
    private int _disposed;

    private BlobCheckpointLock(BlobLeaseClient lease, string location, TimeSpan leaseDuration, TimeProvider time)
    {
        _lease = lease;
        _location = location;
        _leaseDuration = leaseDuration;
        var period = leaseDuration / 3;
        _timer = time.CreateTimer(static state => ((BlobCheckpointLock)state!).OnTimer(), this, period, period);
    }

    /// <summary>
    /// Completes if a renewal finds the lease gone or held by someone else (the silo was cut off for longer than the
    /// lease): the checkpoint is then no longer this query's alone, and the query should stop.
    /// </summary>
    public Task Lost => _lost.Task;

    public void ThrowIfLost()
    {
        if (_lost.Task.IsCompleted)
        {
            throw new CheckpointLockLostException(_location, _lostCause);
        }
    }

    /// <summary>Takes the lease, or throws <see cref="QueryStartException"/> naming the holder when another query has it.</summary>
    public static async Task<BlobCheckpointLock> AcquireAsync(
        BlobCheckpointStore store, string queryName, TimeSpan leaseDuration, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var blob = store.Blob(LockFile);
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await TakeLeaseAsync(store, blob, lease, leaseDuration, cancellationToken);
            var owner = $"query '{queryName}', host {Environment.MachineName}, process {Environment.ProcessId}, since {time.GetUtcNow():O}";
            var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = lease.LeaseId } };
            await blob.UploadAsync(BinaryData.FromString(owner), options, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.LeaseAlreadyPresent)
        {
            var owner = await ReadOwnerAsync(blob, cancellationToken);
            throw new QueryStartException(
                $"Checkpoint {store.Location} is in use by a running query{(owner is null ? "" : $" ({owner})")}. " +
                "Stop that query first, or give this one another checkpointLocation.");
        }
        catch (Exception e) when (BlobFailures.IsUnreachable(e))
        {
            throw new QueryStartException(BlobFailures.Unreachable(store.Endpoint, store.Location, e));
        }
        return new BlobCheckpointLock(lease, store.Location, leaseDuration, time);
    }

    private static async Task TakeLeaseAsync(
        BlobCheckpointStore store, BlobClient blob, BlobLeaseClient lease, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        try
        {
            await lease.AcquireAsync(leaseDuration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (BlobFailures.IsNotFound(e))
        {
            // A new checkpoint: make the container and an empty lock blob (another starter may be doing the same).
            await store.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            try
            {
                var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
                await blob.UploadAsync(BinaryData.Empty, createOnly, cancellationToken);
            }
            catch (RequestFailedException exists) when (BlobFailures.IsAlreadyExists(exists))
            {
            }
            await lease.AcquireAsync(leaseDuration, cancellationToken: cancellationToken);
        }
    }

    private static async Task<string?> ReadOwnerAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToString() is { Length: > 0 } owner ? owner : null;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            // Who holds it is a courtesy in the message; not knowing must not hide that it is held.
            return null;
        }
    }

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 0)
        {
            _ = RenewAsync();
        }
    }

    /// <summary>Renews the lease; the timer calls it. A failure that is not a lost lease waits for the next tick, well before the lease runs out.</summary>
    internal async Task RenewAsync()
    {
        try
        {
            await _lease.RenewAsync();
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            _lostCause = $"its lease could not be renewed: {e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}; " +
                $"another process broke or took it, or this silo could not reach storage for the lease's {_leaseDuration.TotalSeconds:0} s";
            _lost.TrySetResult();
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _timer.Dispose();
        try
        {
            _lease.Release();
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            // Already lost, or the account is unreachable: either way the lease runs out by itself.
        }
    }
}
