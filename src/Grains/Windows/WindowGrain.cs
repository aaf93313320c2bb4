using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Microsoft.Extensions.Options;
using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Progress;
using Sluice.Sinks;
using Sluice.State;

namespace Sluice.Windows;

/// <summary>
/// Owns one key group of one stateful operator. Per batch N: agents' records are applied to the working version
/// of the state (built on version N-1), <see cref="FinishAsync"/> emits output and evicts, and after the sink has
/// committed N, <see cref="CommitAsync"/> makes state version N durable. A different (run, batch) than the one in
/// progress discards the working version first, so a batch cut short re-runs from N-1.
/// </summary>
[GrainType("sluice.window")]
internal sealed partial class WindowGrain(IStateStoreProvider stores, Connectors.ConnectorRegistry connectors, IOptions<Hosting.SluiceOptions> options, ILogger<WindowGrain> logger) : Grain, IWindowGrain, IRemindable
{
    private const string TimersReminder = "timers";
    private bool _hasReminder;
    private long? _nextTimerMs;
    private IStateStore? _store;
    private string? _storeCheckpoint;
    private (Guid RunId, long BatchId)? _attempt;
    private QueryPlan? _plan;
    private Guid _planRunId;
    private IStatefulBatch? _batch;
    private readonly StateCacheBudget _cacheBudget = StateCacheBudget.Of(options.Value);
    private readonly Hosting.CollectionAfterRemoves _collection = Hosting.CollectionAfterRemoves.Of(options.Value);
    private OperatorCache _cache = new();
    private int _applies;

    public async Task ApplyAsync(Immutable<WindowApplyRequest> request)
    {
        var r = request.Value;
        if (r.Partials is not null || !r.PooledPartials.IsEmpty)
        {
            throw new ArgumentException("partial aggregates go to ApplyPartialsAsync", nameof(request));
        }
        await BeginAsync(r.Spec, r.RunId, r.BatchId, r.CheckpointPath);
        DiscardOnError(r.Records, static (batch, records) => batch.Apply(records));
        _applies++;
    }

    public async Task ApplyPartialsAsync(Immutable<WindowApplyRequest> request)
    {
        var r = request.Value;
        await BeginAsync(r.Spec, r.RunId, r.BatchId, r.CheckpointPath);
        DiscardOnError(r, static (batch, r) =>
        {
            batch.Apply(r.Records);
            if (r.Partials is { } partials)
            {
                batch.ApplyPartials(partials);
            }
            else if (!r.PooledPartials.IsEmpty)
            {
                batch.ApplyPartials(r.PooledPartials);
            }
        });
        _applies++;
    }

    public Task ApplyPooledPartialsAsync(Immutable<WindowApplyRequest> request) => ApplyPartialsAsync(request);

    public async Task<WindowFinishResult> FinishAsync(Immutable<WindowFinishRequest> request)
    {
        var r = request.Value;
        using var batchTime = BatchTime.Enter(r.BatchTimestampMs);
        await BeginAsync(r.Spec, r.RunId, r.BatchId, r.CheckpointPath);
        if (_applies != r.ExpectedApplies)
        {
            throw new BatchAttemptLostException(
                $"Key group {this.GetPrimaryKeyString()} received records from {_applies} of the {r.ExpectedApplies} agents that sent to it in batch {r.BatchId}: " +
                "the others were lost with a silo. The batch is not committed; it re-runs from the checkpoint.");
        }
        var id = WindowGrainId.Parse(this.GetPrimaryKeyString());
        var stage = _plan!.StageOf(id.Operator);
        if (r.KeyGroups > 0 && stage.Operator.EveryBatchRecords(id.KeyGroup, r.KeyGroups) is { Count: > 0 } always)
        {
            DiscardOnError(always, static (batch, records) => batch.Apply(records));
        }
        var outputs = stage.Outputs;
        // Output that goes straight to the sink may go as columns (no row per group until a sink reads rows).
        if (outputs is [{ Next: < 0, Suffix.Count: 0 }]
            && DiscardOnError((r, _plan.OutputSchema), static (batch, a) => batch.FinishColumns(a.r.WatermarkMs, a.r.BatchTimestampMs, a.OutputSchema)) is { } columns)
        {
            _nextTimerMs = _batch!.NextProcessingTimerMs;
            if (columns.Count > 0)
            {
                var sink = connectors.SinkGrain(GrainFactory, r.Spec.Sink, r.Spec.Name, id.QueryId);
                await sink.StageColumnsAsync(r.BatchId, this.GetPrimaryKeyString(), new Immutable<ColumnRows>(columns));
            }
            return new WindowFinishResult
            {
                RowsOutput = columns.Count,
                NextProcessingTimerMs = _nextTimerMs,
                KeyGroupsSent = [],
                KeyGroupsSentPerOutput = [[]],
                DroppedPerOutput = [0],
            };
        }
        var rows = DiscardOnError(r, static (batch, r) => batch.Finish(r.WatermarkMs, r.BatchTimestampMs));
        _nextTimerMs = _batch!.NextProcessingTimerMs;
        var sent = new int[outputs.Count][];
        var dropped = new int[outputs.Count];
        long staged = 0;
        for (var o = 0; o < outputs.Count; o++)
        {
            // Each output runs its own suffix on its own list of the operator's rows (suffixes make new rows, never change one).
            var output = outputs[o];
            var outputRows = o == outputs.Count - 1 ? rows : [.. rows];
            QueryPlan.ApplySuffix(output, outputRows, new BatchContext(r.BatchId, r.WatermarkMs, r.BatchTimestampMs));
            if (output.Next >= 0)
            {
                var late = r.NextLateWatermarksMs?[o] ?? r.NextLateWatermarkMs;
                (sent[o], dropped[o]) = await RouteToNextStageAsync(r, id, output, late, outputRows);
                continue;
            }
            sent[o] = [];
            if (outputRows.Count > 0)
            {
                var sink = connectors.SinkGrain(GrainFactory, r.Spec.Sink, r.Spec.Name, id.QueryId);
                await sink.StageAsync(r.BatchId, this.GetPrimaryKeyString(), new Immutable<RowBatch>(new RowBatch(_plan.OutputSchema, outputRows)));
            }
            staged += outputRows.Count;
        }
        return new WindowFinishResult
        {
            RowsOutput = staged,
            NextProcessingTimerMs = _nextTimerMs,
            KeyGroupsSent = sent[0],
            DroppedByWatermark = dropped[0],
            KeyGroupsSentPerOutput = sent,
            DroppedPerOutput = dropped,
        };
    }

    /// <summary>
    /// Runs a step of the batch; if it throws, the attempt is thrown away (working version and operator cache, which
    /// operators merge into before <c>Finish</c>), so a re-run of the same batch starts from the committed state
    /// instead of adding to what the failed step left.
    /// </summary>
    private TResult DiscardOnError<TArg, TResult>(TArg arg, Func<IStatefulBatch, TArg, TResult> step)
    {
        try
        {
            return step(_batch!, arg);
        }
        catch
        {
            _store?.Abort();
            _attempt = null;
            _batch = null;
            DropCache();
            throw;
        }
    }

    private void DiscardOnError<TArg>(TArg arg, Action<IStatefulBatch, TArg> step) =>
        DiscardOnError(arg, (batch, a) =>
        {
            step(batch, a);
            return true;
        });

    /// <summary>
    /// The shuffle to the next stateful operator: it drops the rows behind its own (previous batch's) watermark and keys
    /// the rest, as agents do for the first one, and each destination key group gets one call.
    /// </summary>
    /// <param name="lateWatermarkMs">The next operator's input watermark of the previous batch (its late-row threshold).</param>
    private async Task<(int[] Sent, int Dropped)> RouteToNextStageAsync(WindowFinishRequest r, WindowGrainId id, StageOutput output, long lateWatermarkMs, List<object?[]> rows)
    {
        var router = new KeyGroupRouter(r.KeyGroups);
        var late = new LateRowSet();
        var next = _plan!.Stages[output.Next].Operator;
        next.Route(rows, new BatchContext(r.BatchId, lateWatermarkMs, r.BatchTimestampMs) { StreamIndex = output.StreamIndex }, router, late);
        await Task.WhenAll(router.Groups.Select(g => GrainFactory.GetGrain<IWindowGrain>(new WindowGrainId(id.QueryId, next.Index, g.Key).ToString())
            .ApplyAsync(new Immutable<WindowApplyRequest>(new WindowApplyRequest
            {
                Spec = r.Spec,
                RunId = r.RunId,
                BatchId = r.BatchId,
                CheckpointPath = r.CheckpointPath,
                Records = g.Value,
            }))));
        return ([.. router.Groups.Keys], late.Dropped);
    }

    public async Task<StateOperatorProgress> CommitAsync(Guid runId, long batchId)
    {
        if (_attempt != (runId, batchId) || _store is null)
        {
            throw new BatchAttemptLostException(
                $"Key group {this.GetPrimaryKeyString()} was asked to commit batch {batchId} of run {runId}, but holds {(_attempt is { } a ? $"batch {a.BatchId} of run {a.RunId}" : "no batch")}.");
        }
        var metrics = await _store.CommitAsync(batchId);
        var counts = _batch?.RowCounts;
        var operatorMetrics = _batch?.CustomMetrics;
        _attempt = null;
        _batch = null;
        await KeepReminderAsync();
        LogCommitted(logger, this.GetPrimaryKeyString(), batchId, metrics.NumRowsTotal);
        var removed = counts?.Removed ?? metrics.NumRowsRemoved;
        _collection.Removed(removed);
        return new StateOperatorProgress
        {
            OperatorName = _plan!.StageOf(WindowGrainId.Parse(this.GetPrimaryKeyString()).Operator).Operator.Name,
            NumRowsTotal = counts?.Total ?? metrics.NumRowsTotal,
            NumRowsUpdated = counts?.Updated ?? metrics.NumRowsUpdated,
            NumRowsRemoved = removed,
            MemoryUsedBytes = metrics.MemoryUsedBytes,
            CommitTimeMs = metrics.CommitTimeMs,
            CustomMetrics = operatorMetrics is null ? metrics.CustomMetrics : metrics.CustomMetrics.Concat(operatorMetrics).ToDictionary(),
        };
    }

    /// <summary>
    /// One reminder per key group with pending processing-time timers (never one per key): if this silo dies, the
    /// reminder reactivates the key group elsewhere and wakes the query's coordinator, whose next batch fires them.
    /// </summary>
    private async Task KeepReminderAsync()
    {
        if (_nextTimerMs is not null && !_hasReminder)
        {
            await this.RegisterOrUpdateReminder(TimersReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _hasReminder = true;
        }
        else if (_nextTimerMs is null && _hasReminder)
        {
            if (await this.GetReminder(TimersReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            _hasReminder = false;
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        GrainFactory.GetGrain<IBatchCoordinatorGrain>(WindowGrainId.Parse(this.GetPrimaryKeyString()).QueryId).WakeAsync();

    public Task ReleaseAsync()
    {
        CloseStore();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CloseStore();
        return Task.CompletedTask;
    }

    private async Task BeginAsync(Spec.QuerySpec spec, Guid runId, long batchId, string checkpointPath)
    {
        if (_attempt == (runId, batchId))
        {
            return;
        }
        // The operator's cache (timer and closing indexes, decoded hot state) mirrors the committed store: it goes
        // whenever the store's working changes go (a batch cut short: the cache holds that attempt's changes too), the
        // plan changes (a new run) or the store reopens.
        var keepCache = _attempt is null && _planRunId == runId;
        if (_attempt is not null)
        {
            _store?.Abort();
        }
        if (_plan is null || _planRunId != runId)
        {
            _plan = QueryPlanner.Plan(spec, connectors);
            _planRunId = runId;
        }
        if (_store is null || _store.Version != batchId - 1 || _storeCheckpoint != checkpointPath)
        {
            keepCache = false;
            CloseStore();
            var id = WindowGrainId.Parse(this.GetPrimaryKeyString());
            _store = await stores.OpenAsync(new StateStoreId(id.Operator, id.KeyGroup), CheckpointLocations.Open(checkpointPath, options.Value.Blob, options.Value.S3), id.QueryId.ToString("N"), batchId - 1,
                CheckpointRetention.MinBatchesToRetainOf(spec));
            _storeCheckpoint = checkpointPath;
        }
        if (!keepCache)
        {
            DropCache();
        }
        _batch = _plan.StageOf(WindowGrainId.Parse(this.GetPrimaryKeyString()).Operator).Operator.BeginBatch(_store, _cache);
        _attempt = (runId, batchId);
        _applies = 0;
    }

    private void CloseStore()
    {
        _store?.Dispose();
        _store = null;
        _attempt = null;
        _batch = null;
        DropCache();
    }

    /// <summary>A fresh cache; the old one's entries go back to the silo's budget.</summary>
    private void DropCache()
    {
        _cache.Dispose();
        _cache = new OperatorCache(_cacheBudget);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Key group {KeyGroup} committed batch {BatchId}: {Rows} state rows")]
    private static partial void LogCommitted(ILogger logger, string keyGroup, long batchId, long rows);
}
