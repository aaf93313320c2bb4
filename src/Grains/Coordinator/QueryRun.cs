using System.Diagnostics;
using Orleans.Concurrency;
using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.Diagnostics;
using Sluice.Contracts;
using Sluice.Planning;
using Sluice.Progress;
using Sluice.Sinks;
using Sluice.Sources;
using Confluent.Kafka;
using Sluice.Sources.Kafka;
using Sluice.Spec;

namespace Sluice.Coordinator;

/// <summary>
/// One run of a query: its checkpoint (held under an exclusive lock), its source, and the batch phases
/// <c>constructNextBatch</c> (plan offsets, write <c>offsets/N</c>), <c>runBatch</c> (agents read and stage)
/// and <c>commitBatch</c> (sink commit, then <c>commits/N</c>). See <see cref="BatchCoordinatorGrain"/> for the protocol.
/// </summary>
internal sealed partial class QueryRun : IDisposable
{
    private readonly IDisposable _lock;
    private readonly IStreamSource _source;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private SourceOffsets _committed;
    private OffsetSeq? _pending;
    private bool _noDataBatchDue;
    private IOffsetCommitter? _offsetCommitter;
    private long? _nextProcessingTimerMs;
    private long _stagedByKeyGroups;

    private QueryRun(QuerySpec spec, Guid queryId, Guid runId, QueryPlan plan, Checkpoint checkpoint, IDisposable checkpointLock,
        IStreamSource source, IGrainFactory grains, TimeProvider time, SourceOffsets committed, int keyGroups, string checkpointPath)
    {
        KeyGroups = keyGroups;
        CheckpointPath = checkpointPath;
        Spec = spec;
        QueryId = queryId;
        RunId = runId;
        Plan = plan;
        Checkpoint = checkpoint;
        _lock = checkpointLock;
        _source = source;
        _grains = grains;
        _time = time;
        _committed = committed;
        ReaderContext = SourceFactory.ReaderContext(source);
    }

    public QuerySpec Spec { get; }
    public Guid QueryId { get; }
    public Guid RunId { get; }
    public QueryPlan Plan { get; }
    public Checkpoint Checkpoint { get; }
    public string? ReaderContext { get; }
    public int KeyGroups { get; }
    public string CheckpointPath { get; }
    public string SourceDescription => _source.Description;

    /// <summary>The id the next batch gets.</summary>
    public long NextBatchId { get; private set; }


    /// <summary>The watermark the next batch runs with.</summary>
    public long WatermarkMs { get; private set; }

    /// <summary>Opens the checkpoint and recovers: the last batch with offsets but no commit is pending and re-runs first.</summary>
    public static async Task<QueryRun> OpenAsync(QuerySpec spec, Guid queryId, Guid runId, string checkpointPath, SourceFactory sources, IGrainFactory grains, TimeProvider time, BlobCheckpointOptions blob)
    {
        var plan = QueryPlanner.Plan(spec);
        var checkpointLock = await CheckpointLocations.LockAsync(checkpointPath, spec.Name, blob);
        IStreamSource? source = null;
        try
        {
            var checkpoint = new Checkpoint(CheckpointLocations.Open(checkpointPath, blob));
            var (metadata, _) = await checkpoint.LoadOrCreateMetadataAsync(spec.Name, CheckpointMetadataFormat.DefaultKeyGroups);
            await StateLayout.CheckAsync(checkpoint, plan.Stateful);
            source = sources.CreateSource(spec.Source, spec.Name, checkpoint.Store, 0);
            var initial = await ResolveInitialOffsetsAsync(checkpoint, source);
            var run = new QueryRun(spec, queryId, runId, plan, checkpoint, checkpointLock, source, grains, time, initial, metadata.KeyGroups, checkpointPath)
            {
                _offsetCommitter = sources.CreateOffsetCommitter(spec.Source, spec.Name),
            };
            await run.RecoverAsync(initial);
            return run;
        }
        catch
        {
            source?.Dispose();
            checkpointLock.Dispose();
            throw;
        }
    }

    private static async Task<SourceOffsets> ResolveInitialOffsetsAsync(Checkpoint checkpoint, IStreamSource source)
    {
        var log = checkpoint.SourceStart(0);
        var resolved = new SourceOffsets(source.OffsetKey, await source.InitialOffsetsAsync(CancellationToken.None));
        await log.AddAsync(0, resolved);
        return await log.GetAsync(0) ?? throw new CheckpointCorruptException($"{checkpoint.Store.Location}/sources/0/0", "missing right after it was written");
    }

    private async Task RecoverAsync(SourceOffsets initial)
    {
        var latestOffsets = await Checkpoint.Offsets.GetLatestAsync();
        var latestCommit = await Checkpoint.Commits.GetLatestAsync();
        if (latestOffsets is not { } offsets)
        {
            if (latestCommit is not null)
            {
                throw new CheckpointCorruptException($"{Checkpoint.Store.Location}/commits", "there are commits but no offsets");
            }
            return;
        }
        var committedId = latestCommit?.BatchId ?? -1;
        if (committedId == offsets.BatchId)
        {
            NextBatchId = offsets.BatchId + 1;
            _committed = offsets.Entry.Sources[0];
            WatermarkMs = latestCommit!.Value.Entry.NextBatchWatermarkMs;
            // The batch that would have evicted state or fired timers may not have run before the stop.
            _noDataBatchDue = Plan.Stateful is not null && (WatermarkMs > offsets.Entry.BatchWatermarkMs || Plan.Stateful.HasProcessingTimers);
        }
        else if (committedId == offsets.BatchId - 1)
        {
            NextBatchId = offsets.BatchId;
            _pending = offsets.Entry;
            WatermarkMs = offsets.Entry.BatchWatermarkMs;
            _committed = offsets.BatchId == 0
                ? initial
                : (await Checkpoint.Offsets.GetAsync(offsets.BatchId - 1))?.Sources[0]
                    ?? throw new CheckpointCorruptException($"{Checkpoint.Store.Location}/offsets/{offsets.BatchId - 1}", "missing, but batch " + offsets.BatchId + " needs its end offsets");
        }
        else
        {
            throw new CheckpointCorruptException($"{Checkpoint.Store.Location}/commits",
                $"the latest commit is batch {committedId} but the latest offsets are batch {offsets.BatchId}");
        }
    }

    public bool HasPendingBatch => _pending is not null;

    /// <summary>The end offsets of the last committed batch: where the next batch starts.</summary>
    public IReadOnlyDictionary<int, long> CommittedOffsets => _committed.Partitions;

    public async Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken) =>
        await _source.LatestOffsetsAsync(cancellationToken);

    /// <summary>Runs the next batch; null when there is no new data (nothing written).</summary>
    public async Task<BatchOutcome?> RunNextBatchAsync(long? maxOffsets, IReadOnlyDictionary<int, long>? target, CancellationToken cancellationToken)
    {
        var durations = new Dictionary<string, long>();
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        var latest = await _source.LatestOffsetsAsync(cancellationToken);
        durations["latestOffset"] = phase.ElapsedMilliseconds;
        CheckNoDataLoss(latest);

        var offsets = _pending;
        if (offsets is null)
        {
            var end = OffsetPlanner.PlanEnd(_committed.Partitions, latest, maxOffsets, target);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (!OffsetPlanner.HasNewData(_committed.Partitions, end) && !NoDataBatchDue(now))
            {
                return null;
            }
            offsets = new OffsetSeq(WatermarkMs, now, [new SourceOffsets(_source.OffsetKey, end)]);
            phase.Restart();
            if (!await Checkpoint.Offsets.AddAsync(NextBatchId, offsets, cancellationToken))
            {
                throw new InvalidOperationException($"offsets/{NextBatchId} appeared in checkpoint '{Checkpoint.Store.Location}' while this run planned it: another process writes to this checkpoint.");
            }
            FaultInjection.Hit("afterOffsets", NextBatchId);
            durations["walCommit"] = phase.ElapsedMilliseconds;
        }
        cancellationToken.ThrowIfCancellationRequested();

        phase.Restart();
        var batchId = NextBatchId;
        var results = await RunBatchAsync(batchId, offsets);
        FaultInjection.Hit("afterStateStaged", batchId);
        await FinishKeyGroupsAsync(batchId, offsets);
        FaultInjection.Hit("afterSinkStaged", batchId);
        durations["addBatch"] = phase.ElapsedMilliseconds;
        cancellationToken.ThrowIfCancellationRequested();

        phase.Restart();
        var (rowsOutput, state) = await CommitBatchAsync(batchId, offsets, results);
        durations["commitOffsets"] = phase.ElapsedMilliseconds;
        durations["triggerExecution"] = total.ElapsedMilliseconds;

        var started = _committed;
        _committed = offsets.Sources[0];
        _pending = null;
        NextBatchId = batchId + 1;
        return new BatchOutcome(batchId, offsets, [started], [new SourceOffsets(_source.OffsetKey, latest)], results, rowsOutput, durations, state);
    }

    /// <summary>
    /// Spark's failOnDataLoss: a partition whose latest offset is behind what this query already committed was deleted
    /// and recreated (or the embedded broker restarted); carrying on would silently skip or re-read data.
    /// </summary>
    private void CheckNoDataLoss(IReadOnlyDictionary<int, long> latest)
    {
        foreach (var (partition, committed) in _committed.Partitions)
        {
            if (latest.TryGetValue(partition, out var now) && now < committed)
            {
                throw new InvalidOperationException(
                    $"{_source.Description} partition {partition} ends at offset {now}, behind offset {committed} that this query's checkpoint already processed: " +
                    "the topic was deleted and recreated, or the embedded broker restarted (it keeps no data across silo restarts). " +
                    $"Some data may have been lost. Start the query with a new checkpointLocation (checkpoint: {CheckpointPath}).");
            }
        }
    }

    private async Task<IReadOnlyList<AgentBatchResult>> RunBatchAsync(long batchId, OffsetSeq offsets)
    {
        var end = offsets.Sources[0];
        var calls = new List<Task<AgentBatchResult>>();
        foreach (var (partition, until) in end.Partitions.OrderBy(p => p.Key))
        {
            var from = _committed[partition];
            if (until <= from)
            {
                continue;
            }
            var agent = _grains.GetGrain<IPartitionAgentGrain>(new PartitionAgentId(QueryId, 0, partition).ToString());
            calls.Add(agent.ExecuteAsync(new Immutable<AgentBatchRequest>(new AgentBatchRequest
            {
                Spec = Spec,
                RunId = RunId,
                BatchId = batchId,
                Start = from,
                End = until,
                WatermarkMs = offsets.BatchWatermarkMs,
                BatchTimestampMs = offsets.BatchTimestampMs,
                ReaderContext = ReaderContext,
                KeyGroups = KeyGroups,
                CheckpointPath = CheckpointPath,
            })));
        }
        if (calls.Count > 0)
        {
            await Task.WhenAny(calls);
            FaultInjection.Hit("afterSomeAgentsRead", batchId);
        }
        return await Task.WhenAll(calls);
    }

    private async Task<(long Rows, StateOperatorProgress? State)> CommitBatchAsync(long batchId, OffsetSeq offsets, IReadOnlyList<AgentBatchResult> results)
    {
        var sink = SinkTargets.Resolve(_grains, Spec.Sink, Spec.Name, QueryId);
        if (sink is IConfigurableSinkGrain configurable)
        {
            await configurable.ConfigureAsync(new Immutable<SinkConfig>(new SinkConfig(Spec.Sink, QueryId, Spec.Name)));
        }
        var rows = await sink.CommitAsync(batchId, Spec.OutputMode, Plan.OutputSchema);
        var staged = Plan.Stateful is null ? results.Sum(r => r.RowsOutput) : _stagedByKeyGroups;
        if (rows != ISinkGrain.AlreadyCommitted && rows < staged)
        {
            // The sink writer's activation (and the rows staged in it) was lost, e.g. with its silo: committing now
            // would lose output. Nothing of this batch is committed yet, so it re-runs whole at the next start.
            throw new InvalidOperationException(
                $"the {Spec.Sink.Kind} sink committed {rows} rows of batch {batchId} but {staged} were staged: staged output was lost (did a silo fail?). " +
                "The batch has no commit and re-runs when the query restarts.");
        }
        rows = Math.Max(rows, 0);
        FaultInjection.Hit("afterSinkCommitted", batchId);
        if (LateRows.SinkName(Spec) is { } lateSink)
        {
            await _grains.GetGrain<IMemorySinkGrain>(lateSink).CommitAsync(batchId, OutputMode.Append, Plan.StatefulInputSchema);
        }
        var state = await CommitKeyGroupsAsync(batchId, results);
        var nextWatermark = NextWatermark(offsets.BatchWatermarkMs, results);
        if (!await Checkpoint.Commits.AddAsync(batchId, new CommitEntry(nextWatermark)))
        {
            throw new InvalidOperationException($"commits/{batchId} appeared in checkpoint '{Checkpoint.Store.Location}' while this run committed it: another process writes to this checkpoint.");
        }
        FaultInjection.Hit("afterCommitLog", batchId);
        WatermarkMs = nextWatermark;
        _noDataBatchDue = Plan.Stateful is not null && nextWatermark > offsets.BatchWatermarkMs;
        await CommitToConsumerGroupAsync(offsets.Sources[0].Partitions);
        return (rows, state);
    }

    /// <summary>Only after commits/N: lag tools then never show a batch as done that a crash would re-run.</summary>
    private async Task CommitToConsumerGroupAsync(IReadOnlyDictionary<int, long> end)
    {
        if (_offsetCommitter is null)
        {
            return;
        }
        try
        {
            await _offsetCommitter.CommitAsync(end, CancellationToken.None);
        }
        catch (KafkaException e)
        {
            // Lag reporting is best effort; the checkpoint already holds the truth.
            OffsetCommitFailed?.Invoke(e);
        }
    }

    /// <summary>Raised when committing offsets to the consumer group failed (the query goes on).</summary>
    public Action<Exception>? OffsetCommitFailed { get; set; }

    /// <summary>Max event time seen minus the delay, never moving back (Spark's WatermarkTracker, one stream).</summary>
    private long NextWatermark(long current, IReadOnlyList<AgentBatchResult> results)
    {
        if (Plan.Watermark is not { } watermark)
        {
            return current;
        }
        var stats = new EventTimeStats();
        foreach (var r in results)
        {
            stats.Merge(r.EventTime);
        }
        return stats.IsEmpty ? current : Math.Max(current, stats.MaxMs - (long)watermark.Delay.TotalMilliseconds);
    }

    /// <summary>Closes partition readers and state stores of the grains that served this run.</summary>
    public async Task ReleaseAgentsAsync()
    {
        var partitions = _committed.Partitions.Keys;
        await Task.WhenAll(partitions.Select(p => _grains.GetGrain<IPartitionAgentGrain>(new PartitionAgentId(QueryId, 0, p).ToString()).ReleaseAsync()));
        await Task.WhenAll(KeyGroupGrains().Select(g => g.ReleaseAsync()));
    }

    public void Dispose()
    {
        _offsetCommitter?.Dispose();
        _source.Dispose();
        _lock.Dispose();
    }
}
