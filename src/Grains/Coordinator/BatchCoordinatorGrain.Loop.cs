using Microsoft.Extensions.Logging;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Coordinator;

/// <summary>The trigger loop: when batches run, and how a run ends.</summary>
internal sealed partial class BatchCoordinatorGrain
{
    /// <summary>How many times in a row a run that lost part of the cluster restarts from its checkpoint before the query fails.</summary>
    internal const int MaxSiloLossRestarts = 10;

    private async Task RunLoopAsync(QueryRun run, CancellationToken stop)
    {
        var end = QueryState.Stopped;
        string? error = null;
        var restarts = 0;
        var mark = run.NextBatchId;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (attempt == 0)
                {
                    await Task.Yield();
                }
                else
                {
                    run = await RestartRunAsync(run, restarts, stop);
                }
                var trigger = run.Spec.Trigger;
                end = trigger.Kind switch
                {
                    TriggerKind.AvailableNow => await RunAvailableNowAsync(run, stop, limited: true),
                    TriggerKind.Once => await RunAvailableNowAsync(run, stop, limited: false),
                    _ => await RunContinuouslyAsync(run, trigger, stop),
                };
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                end = QueryState.Stopped;
            }
            catch (Exception) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // The silo is going down under the batch (its grains can no longer be placed): that is a stop, not a
                // failure; the batch has no commit and re-runs at the next start.
                _siloStopping = true;
                end = QueryState.Stopped;
            }
            catch (Exception e) when (SiloLoss.Caused(e) && CountRestart(run, ref restarts, ref mark))
            {
                // Another silo died under the batch (an agent, a key group or the sink was there): nothing of the batch
                // was committed, so a new run re-runs it from the checkpoint once Orleans has placed those grains again.
                LogSiloLoss(logger, e, run.Spec.Name, restarts, MaxSiloLossRestarts);
                SetMessage($"Part of the cluster failed during a batch ({e.Message}); restarting from the checkpoint (attempt {restarts} of {MaxSiloLossRestarts})");
                continue;
            }
            catch (Exception e)
            {
                end = QueryState.Failed;
                error = $"Query {run.Spec.Name} [id = {run.QueryId}, runId = {run.RunId}] terminated with exception: {e.Message}";
                LogFailed(logger, e, run.Spec.Name, run.QueryId);
            }
            break;
        }
        await TerminateAsync(run, end, error);
    }

    /// <summary>
    /// Counts a restart after a cluster failure; false once <see cref="MaxSiloLossRestarts"/> came in a row. A run that
    /// committed a batch since the last restart starts the count again, so only failures in a row add up.
    /// </summary>
    private static bool CountRestart(QueryRun run, ref int restarts, ref long mark)
    {
        if (run.NextBatchId > mark)
        {
            restarts = 0;
        }
        mark = run.NextBatchId;
        return ++restarts <= MaxSiloLossRestarts;
    }

    /// <summary>
    /// Ends a run that lost part of the cluster and opens a new one (new runId) on the same checkpoint after a backoff
    /// (1, 2, 4, 8, then 10 s), which re-runs the pending batch with exactly its planned offsets.
    /// </summary>
    private async Task<QueryRun> RestartRunAsync(QueryRun old, int restart, CancellationToken stop)
    {
        try
        {
            // Best effort and bounded: a grain on the dead silo would hold each release call for the whole response timeout.
            await old.ReleaseAgentsAsync().WaitAsync(TimeSpan.FromSeconds(2), stop);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogReleaseFailed(logger, e, old.Spec.Name);
        }
        await old.Retention.WhenIdleAsync();
        await old.QuiesceAsync();
        old.Dispose();
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, 1 << Math.Min(restart - 1, 4))), stop);
        var runId = Guid.NewGuid();
        var run = await QueryRun.OpenAsync(old.Spec, old.QueryId, runId, old.CheckpointPath, connectors, GrainFactory, time, options.Value.Blob, options.Value.S3);
        run.OffsetCommitFailed = old.OffsetCommitFailed;
        run.Retention.PurgeFailed = old.Retention.PurgeFailed;
        _run = run;
        _progress = new ProgressReporter(run, options.Value.RecentProgressCount);
        _info = _info with { RunId = runId, LastCommittedBatchId = run.NextBatchId - 1, Message = "Restarted from the checkpoint after part of the cluster failed" };
        LogStarted(logger, run.Spec.Name, run.QueryId, runId, run.NextBatchId, run.HasPendingBatch);
        // Listeners see the new run as Spark reports a restarted query: a started event with the new runId.
        await PublishStartedAsync();
        return run;
    }

    /// <summary>Default, processingTime and manual triggers: batches until stopped.</summary>
    private async Task<QueryState> RunContinuouslyAsync(QueryRun run, TriggerSpec trigger, CancellationToken stop)
    {
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            run.ThrowIfLockLost();
            if (trigger.Kind == TriggerKind.Manual && _waiters.Count == 0)
            {
                SetMessage("Waiting for a request to process data");
                await WaitForWakeAsync(Timeout.InfiniteTimeSpan, stop);
                continue;
            }
            var started = time.GetUtcNow();
            var iteration = ++_iteration;
            var ran = await RunOneBatchAsync(run, limited: true, targets: null, stop);
            if (!ran)
            {
                // A ProcessAllAvailable returns with the progress of every batch before it sent to listeners.
                await _published;
                ReleaseWaiters(iteration);
                await PublishIdleAsync();
            }
            var delay = trigger.Kind switch
            {
                TriggerKind.ProcessingTime => NextTriggerDelay(started, trigger.Interval),
                TriggerKind.Default when !ran => options.Value.PollingDelay,
                _ => TimeSpan.Zero,
            };
            if (delay > TimeSpan.Zero)
            {
                await WaitForWakeAsync(delay, stop);
            }
        }
    }

    /// <summary>availableNow (and once, without a batch-size limit): everything present at start, then stop.</summary>
    private async Task<QueryState> RunAvailableNowAsync(QueryRun run, CancellationToken stop, bool limited)
    {
        var targets = await run.LatestOffsetsAsync(stop);
        var start = run.CommittedOffsets;
        long Backlog(IReadOnlyList<IReadOnlyDictionary<int, long>> upTo) => targets.Select((target, s) =>
            target.Sum(p => Math.Max(0, Math.Min(upTo[s].GetValueOrDefault(p.Key), p.Value) - start[s].GetValueOrDefault(p.Key)))).Sum();
        _info = _info with { BacklogTotal = Backlog(targets), BacklogDone = 0 };
        while (await RunOneBatchAsync(run, limited, targets, stop))
        {
            _info = _info with { BacklogDone = Backlog(run.CommittedOffsets) };
            stop.ThrowIfCancellationRequested();
        }
        return QueryState.Completed;
    }

    private async Task<bool> RunOneBatchAsync(QueryRun run, bool limited, IReadOnlyList<IReadOnlyDictionary<int, long>>? targets, CancellationToken stop)
    {
        var started = time.GetUtcNow();
        SetMessage("Processing new data");
        var outcome = await run.RunNextBatchAsync(limited, targets, stop);
        if (outcome is null)
        {
            SetMessage("Waiting for data to arrive");
            return false;
        }
        var progress = _progress!.Report(outcome, started);
        _info = _info with { LastCommittedBatchId = outcome.BatchId };
        LogBatch(logger, run.Spec.Name, outcome.BatchId, progress.NumInputRows, progress.BatchDuration);
        await PublishProgressAsync(progress);
        return true;
    }

    /// <summary>Spark's ProcessingTimeExecutor: the next multiple of the interval; at once if the batch overran it.</summary>
    private TimeSpan NextTriggerDelay(DateTimeOffset batchStart, TimeSpan interval)
    {
        var startMs = batchStart.ToUnixTimeMilliseconds();
        var intervalMs = (long)interval.TotalMilliseconds;
        var nextMs = ((startMs / intervalMs) + 1) * intervalMs;
        return TimeSpan.FromMilliseconds(Math.Max(0, nextMs - time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>Waits for the delay, or less when a stop or a ProcessAllAvailable request wakes the loop.</summary>
    private async Task WaitForWakeAsync(TimeSpan delay, CancellationToken stop)
    {
        var wake = _wake.Task;
        if (!wake.IsCompleted)
        {
            // A lost checkpoint lock ends the wait too: the next batch then fails at once instead of after the delay.
            var lost = _run?.LockLost ?? wake;
            if (delay == Timeout.InfiniteTimeSpan)
            {
                await Task.WhenAny(wake, lost).WaitAsync(stop);
            }
            else
            {
                await Task.WhenAny(wake, lost, Task.Delay(delay, time, stop));
            }
        }
        if (wake.IsCompleted)
        {
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Releases the waiters registered before <paramref name="iteration"/> began: it found nothing left to do.</summary>
    private void ReleaseWaiters(long iteration)
    {
        foreach (var waiter in _waiters.Where(w => w.Iteration < iteration))
        {
            waiter.Done.TrySetResult();
        }
        _waiters.RemoveAll(w => w.Iteration < iteration);
    }

    private async Task TerminateAsync(QueryRun run, QueryState end, string? error)
    {
        // When the silo shuts down, agents close their readers as they deactivate, and the registry goes too.
        if (!_siloStopping)
        {
            try
            {
                await run.ReleaseAgentsAsync();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                LogReleaseFailed(logger, e, run.Spec.Name);
            }
        }
        await run.QuiesceAsync();
        await run.Retention.FinishAsync(run.NextBatchId - 1);
        // Whoever awaits the termination sees every batch's progress sent to listeners before it.
        await _published;
        run.Dispose();
        _run = null;
        _info = _info with
        {
            State = end,
            Error = error,
            Message = end switch
            {
                QueryState.Failed => "Failed",
                QueryState.Completed => "Completed: all data available at start is processed",
                _ => "Stopped",
            },
        };
        foreach (var (waiter, _) in _waiters)
        {
            if (error is null)
            {
                waiter.TrySetResult();
            }
            else
            {
                waiter.TrySetException(new StreamingQueryException(error));
            }
        }
        _waiters.Clear();
        _terminated.TrySetResult();
        LogTerminated(logger, run.Spec.Name, end);
        if (!_siloStopping && !_deactivating)
        {
            await PublishTerminatedAsync();
            await GrainFactory.GetGrain<IQueryManagerGrain>(0).OnTerminatedAsync(_info);
        }
    }

    private void SetMessage(string message) => _info = _info with { Message = message };

    [LoggerMessage(Level = LogLevel.Information, Message = "Query {QueryName} [id {QueryId}, runId {RunId}] started at batch {BatchId} (re-running a pending batch: {Pending})")]
    private static partial void LogStarted(ILogger logger, string queryName, Guid queryId, Guid runId, long batchId, bool pending);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query {QueryName} committed batch {BatchId}: {Rows} input rows in {DurationMs} ms")]
    private static partial void LogBatch(ILogger logger, string queryName, long batchId, long rows, long durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Query {QueryName} [id {QueryId}] failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string queryName, Guid queryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName}: a batch failed because part of the cluster failed; restarting from the checkpoint (attempt {Attempt} of {Attempts})")]
    private static partial void LogSiloLoss(ILogger logger, Exception exception, string queryName, int attempt, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName}: releasing partition agents failed")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string queryName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName}: its coordinator was deactivated while running ({Reason}: {Description}); the query manager's watchdog restarts it")]
    private static partial void LogDeactivatedWhileRunning(ILogger logger, string queryName, DeactivationReasonCode reason, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Query {QueryName} terminated: {State}")]
    private static partial void LogTerminated(ILogger logger, string queryName, QueryState state);
}
