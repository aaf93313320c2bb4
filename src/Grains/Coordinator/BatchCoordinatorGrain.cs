using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Progress;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Coordinator;

/// <summary>
/// The micro-batch loop of one query. The protocol that makes every batch count exactly once:
/// <code>
/// start:   lock the checkpoint; read metadata; resolve startingOffsets once into sources/0/0
///          N  = latest offsets/N;  C = latest commits/C
///          if no offsets:        next batch is 0, from sources/0/0
///          elif C == N:          next batch is N+1, from offsets/N, watermark from commits/N
///          elif C == N-1:        batch N is pending: re-run it with exactly offsets/N (same end offsets,
///                                same batchWatermarkMs and batchTimestampMs), so it outputs the same rows
///          else:                 the checkpoint is corrupt: stop with an error, never start over
/// batch N: constructNextBatch   latest offsets, capped (maxOffsetsPerTrigger, availableNow target);
///                               no new data: no batch. Write offsets/N (create-if-absent).
///          runBatch             agents read [start, end) of their partition, run operators, stage at the sink
///          commitBatch          sink commits batch N (once: a replayed batch adds nothing), then commits/N
///                               with the next watermark
/// </code>
/// Each phase is timed under its <c>durationMs</c> key. The loop runs as a task on this activation, so
/// status, progress and stop requests interleave with it between awaits.
/// </summary>
[KeepAlive]
[GrainType("sluice.coordinator")]
internal sealed partial class BatchCoordinatorGrain(
    ConnectorRegistry connectors,
    SluiceClock time,
    IOptions<SluiceOptions> options,
    Diagnostics.SluiceMetrics metrics,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    ILogger<BatchCoordinatorGrain> logger) : Grain, IBatchCoordinatorGrain
{
    private QueryRun? _run;
    private ProgressReporter? _progress;
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(TaskCompletionSource Done, long Iteration)> _waiters = [];
    private long _iteration;
    private long _lastTicket;
    private readonly Dictionary<long, Task> _tickets = [];
    private bool _siloStopping;
    private bool _deactivating;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private QueryInfo _info = new() { State = QueryState.Stopped, Message = "Not running on this activation" };

    public async Task StartAsync(QuerySpec spec, Guid runId, string checkpointPath)
    {
        if (_run is not null)
        {
            throw new QueryStartException(
                $"Checkpoint '{checkpointPath}' is in use by the active query '{_info.Name}' (runId {_info.RunId}). " +
                "Stop that query first, or give this one another checkpointLocation.");
        }
        var queryId = this.GetPrimaryKey();
        _run = await QueryRun.OpenAsync(spec, queryId, runId, checkpointPath, connectors, GrainFactory, time, options.Value.Blob, options.Value.S3);
        _run.OffsetCommitFailed = e => LogOffsetCommitFailed(logger, e, spec.Name);
        _run.Retention.PurgeFailed = e => LogPurgeFailed(logger, e, spec.Name);
        _progress = new ProgressReporter(_run, options.Value.RecentProgressCount);
        _stop = new CancellationTokenSource();
        _terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _info = new QueryInfo
        {
            Id = queryId,
            RunId = runId,
            Name = spec.Name,
            State = QueryState.Active,
            CheckpointLocation = checkpointPath,
            Message = "Initializing sources",
            LastCommittedBatchId = _run.NextBatchId - 1,
            SinkKind = spec.Sink.Kind,
            Trigger = spec.Trigger.ToString(),
            TriggerIntervalMs = (long)spec.Trigger.Interval.TotalMilliseconds,
        };
        LogStarted(logger, spec.Name, queryId, runId, _run.NextBatchId, _run.HasPendingBatch);
        foreach (var stream in _run.Plan.Streams.Where(s => !connectors.Source(s.Source.Kind).Replayable))
        {
            LogNotReplayable(logger, spec.Name, stream.Source.Kind);
        }
        await PublishStartedAsync();
        _loop = RunLoopAsync(_run, _stop.Token);
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }
        await _stop.CancelAsync();
        _wake.TrySetResult();
        await _loop;
    }

    /// <summary>Silo shutdown (Ctrl+C, SIGTERM): the run stops after its batch in flight; an unfinished batch re-runs at the next start.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_run is not null)
        {
            // Whatever the reason code (a shutdown may also deactivate or migrate grains for other reasons), a
            // deactivation while the host stops is the silo going away, not a user's stop: the query manager must not
            // hear "stopped", or it would not restart the query elsewhere (a rolling upgrade lost queries so).
            _siloStopping = reason.ReasonCode == DeactivationReasonCode.ShuttingDown || lifetime.ApplicationStopping.IsCancellationRequested;
            // Any other deactivation of a running coordinator is not a user's stop either (DirectoryFailure when the silo
            // that held its directory entry leaves: a Redis rolling upgrade lost a query so; a migration): the manager must
            // not hear "stopped", so that its watchdog restarts the query from its checkpoint.
            _deactivating = true;
            if (!_siloStopping)
            {
                LogDeactivatedWhileRunning(logger, _info.Name, reason.ReasonCode, reason.Description);
            }
            await StopAsync();
        }
    }

    public Task<QueryInfo> GetInfoAsync() => Task.FromResult(_info);

    public Task<QueryProgress?> GetLastProgressAsync() => Task.FromResult(_progress?.Last);

    public Task<IReadOnlyList<QueryProgress>> GetRecentProgressAsync() =>
        Task.FromResult(_progress?.Recent ?? (IReadOnlyList<QueryProgress>)[]);

    public async Task<QueryInfo> AwaitTerminationAsync(TimeSpan timeout)
    {
        if (_info.IsActive)
        {
            await Task.WhenAny(_terminated.Task, Task.Delay(timeout, TimeProvider.System));
        }
        return _info;
    }

    public Task WakeAsync()
    {
        _wake.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<long> ProcessAllAvailableAsync(long ticket, TimeSpan wait)
    {
        Task? done;
        if (ticket == 0)
        {
            if (!_info.IsActive)
            {
                return _info.State == QueryState.Failed ? throw new StreamingQueryException(_info.Error!) : 0;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // Only an iteration that starts after this call may say all available data is processed.
            _waiters.Add((waiter, _iteration));
            _wake.TrySetResult();
            ticket = ++_lastTicket;
            _tickets[ticket] = done = waiter.Task;
        }
        else if (!_tickets.TryGetValue(ticket, out done))
        {
            return 0;
        }
        // A client-facing wait runs on real time, whatever clock drives the engine (a manual one in scenarios).
        await Task.WhenAny(done, Task.Delay(wait, TimeProvider.System));
        if (!done.IsCompleted)
        {
            return ticket;
        }
        _tickets.Remove(ticket);
        await done;
        return 0;
    }
}
