using Orleans.Concurrency;
using Sluice.Progress;
using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>The micro-batch loop of one query (key: the query id, stable across restarts).</summary>
[Alias("sluice.coordinator")]
public interface IBatchCoordinatorGrain : IGrainWithGuidKey
{
    /// <summary>Starts a run: recovers from the checkpoint, then runs batches per the trigger.</summary>
    Task StartAsync(QuerySpec spec, Guid runId, string checkpointPath);

    /// <summary>Stops the run after the batch in flight; returns when it has stopped.</summary>
    [AlwaysInterleave]
    Task StopAsync();

    [AlwaysInterleave]
    Task<QueryInfo> GetInfoAsync();

    [AlwaysInterleave]
    Task<QueryProgress?> GetLastProgressAsync();

    [AlwaysInterleave]
    Task<IReadOnlyList<QueryProgress>> GetRecentProgressAsync();

    /// <summary>Waits up to <paramref name="timeout"/> for the run to end; the info tells how it ended (or that it still runs).</summary>
    [AlwaysInterleave]
    Task<QueryInfo> AwaitTerminationAsync(TimeSpan timeout);

    /// <summary>Asks the loop to look for work now (a key group's timers may be due).</summary>
    [AlwaysInterleave]
    Task WakeAsync();

    /// <summary>
    /// Runs (or waits for) batches until all data available at the first call is processed and no batch is pending.
    /// Waits at most <paramref name="wait"/> per call, so a long batch never outlasts a call's timeout: the first call
    /// passes ticket 0 and gets a ticket back while work remains; later calls pass that ticket; 0 means done.
    /// </summary>
    [AlwaysInterleave]
    Task<long> ProcessAllAvailableAsync(long ticket, TimeSpan wait);
}
