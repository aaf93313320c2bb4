using System.Diagnostics;

namespace Sluice.State;

/// <summary>
/// Writes the snapshot of one committed version on the thread pool, while the store goes on committing the next
/// versions on its grain's turn, then purges the files that snapshot made unnecessary. It touches no store state: it
/// reads a frozen <see cref="IStateSnapshotSource"/> and writes through <see cref="StateCheckpointFiles"/>.
/// Until <c>N.snapshot</c> exists (it appears whole, or not at all) restores and purges go on using the older snapshot
/// and the changelogs, so a snapshot that never completes loses nothing. The job never faults: its outcome says how it ended.
/// Building a snapshot is synchronous CPU work (a scan of the store into one buffer, then its compression) on a pool
/// thread: when a batch makes every key group's snapshot due at once, that took as many pool threads as key groups, and
/// on a 2-core machine the grains' turns of the next batch queued behind them until the pool injected threads (what the
/// 10M-key run's 65 s snapshot batch pointed at). So at most <see cref="MaxConcurrentWriters"/> jobs of the process build at once; the rest
/// wait for a turn holding no thread.
/// </summary>
internal sealed class StateSnapshotJob
{
    /// <summary>Jobs building their file at once in the process: half the cores, so batches keep the other half.</summary>
    public static readonly int MaxConcurrentWriters = Math.Max(1, Environment.ProcessorCount / 2);

    private static readonly SemaphoreSlim Writers = new(MaxConcurrentWriters);

    private readonly CancellationTokenSource _cancel = new();
    private readonly Task<Outcome> _run;

    private StateSnapshotJob(StateCheckpointFiles files, long version, long rowsTotal, long bytesTotal, IStateSnapshotSource source)
    {
        Version = version;
        Length = StateFileWriter.Length(rowsTotal, bytesTotal);
        // Not Task.Run(..., token): the body must run even when cancelled before it starts, to release the source.
        _run = Task.Run(() => RunAsync(files, rowsTotal, bytesTotal, source, _cancel.Token));
    }

    /// <summary>How a job ended.</summary>
    public sealed record Outcome(bool Written, long WriteMs, int FilesPurged, bool PurgeFailed, Exception? Error);

    public long Version { get; }

    /// <summary>The snapshot file's size before compression (a snapshot holds every row as a put, so it is known up front).</summary>
    public long Length { get; }

    public bool IsCompleted => _run.IsCompleted;

    /// <summary>Completes (never faults) when the job ended.</summary>
    public Task<Outcome> Completion => _run;

    /// <summary>Starts writing <paramref name="version"/>, whose rows and bytes are given, from <paramref name="source"/>, which the job disposes.</summary>
    public static StateSnapshotJob Start(StateCheckpointFiles files, long version, long rowsTotal, long bytesTotal, IStateSnapshotSource source) =>
        new(files, version, rowsTotal, bytesTotal, source);

    /// <summary>
    /// Stops the job and blocks until it has let go of its source (the caller is about to close the store under it).
    /// The wait is short: the job checks for cancellation every few thousand rows and its writes take the token.
    /// </summary>
    public void CancelAndWait()
    {
        _cancel.Cancel();
        // The job runs on the thread pool, never on the grain's scheduler, so blocking here cannot deadlock it.
        _run.GetAwaiter().GetResult();
        _cancel.Dispose();
    }

    private async Task<Outcome> RunAsync(StateCheckpointFiles files, long rowsTotal, long bytesTotal, IStateSnapshotSource source,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var writing = false;
        try
        {
            ReadOnlyMemory<byte> content;
            using (source)
            {
                await Writers.WaitAsync(cancellationToken).ConfigureAwait(false);
                writing = true;
                var writer = new StateFileWriter(StateFileKind.Snapshot, Version, Length);
                source.WriteTo(writer, cancellationToken);
                content = writer.Finish(rowsTotal, bytesTotal);
                // The file's write waits on the disk, not a core (and a stuck checkpoint store must not hold the others up).
                Writers.Release();
                writing = false;
            }
            await files.WriteAsync(Version, StateFileKind.Snapshot, content, cancellationToken).ConfigureAwait(false);
            var writeMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            try
            {
                // Purging from the snapshot's version keeps at least what a purge from any later committed version would.
                var purged = await files.PurgeAsync(Version, cancellationToken).ConfigureAwait(false);
                return new Outcome(true, writeMs, purged, false, null);
            }
            catch (Exception e)
            {
                // The files stay for the next snapshot's purge; the snapshot is written either way.
                return new Outcome(true, writeMs, 0, !cancellationToken.IsCancellationRequested, e);
            }
        }
        catch (Exception e)
        {
            return new Outcome(false, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, false, e);
        }
        finally
        {
            if (writing)
            {
                Writers.Release();
            }
        }
    }
}
