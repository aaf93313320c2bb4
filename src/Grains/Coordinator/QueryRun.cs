using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Planning;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Coordinator;

/// <summary>
/// One run of a query: its checkpoint (held under an exclusive lock), its sources (one per input stream), and the batch
/// phases <c>constructNextBatch</c> (plan offsets, write <c>offsets/N</c>), <c>runBatch</c> (agents read and stage)
/// and <c>commitBatch</c> (sink commit, state commit, then <c>commits/N</c>). See <see cref="BatchCoordinatorGrain"/>.
/// </summary>
internal sealed partial class QueryRun : IDisposable
{
    private readonly ICheckpointLock _lock;
    private readonly IReadOnlyList<RunSource> _sources;
    private readonly ISinkGrain _sink;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private OffsetSeq? _pending;
    private Task _groupCommit = Task.CompletedTask;

    /// <summary>The next batch's latest offsets, asked for while the last batch's commit was written (default trigger).</summary>
    private Task<IReadOnlyList<IReadOnlyDictionary<int, long>>>? _nextLatest;

    /// <summary>True for the default trigger, whose next batch starts as soon as the last one commits.</summary>
    private readonly bool _planAhead;
    private bool _noDataBatchDue;
    private long? _nextProcessingTimerMs;
    private long _stagedByKeyGroups;
    private long[] _droppedByStage = [];

    /// <summary>The global watermark of the last committed batch (0 before the first): the next batch's operators drop late rows by it.</summary>
    private long _previousBatchWatermarkMs;
    private WatermarkTracker _watermarks;

    private QueryRun(QuerySpec spec, Guid queryId, Guid runId, QueryPlan plan, Checkpoint checkpoint, ICheckpointLock checkpointLock,
        IReadOnlyList<RunSource> sources, ISinkGrain sink, IGrainFactory grains, TimeProvider time, int keyGroups, string checkpointPath, int minBatchesToRetain)
    {
        Retention = new CheckpointRetention(checkpoint, minBatchesToRetain);
        Spec = spec;
        QueryId = queryId;
        RunId = runId;
        Plan = plan;
        Checkpoint = checkpoint;
        KeyGroups = keyGroups;
        CheckpointPath = checkpointPath;
        _lock = checkpointLock;
        _sources = sources;
        _sink = sink;
        _grains = grains;
        _time = time;
        _watermarks = NewTracker(spec.WatermarkPolicy, 0);
        _planAhead = spec.Trigger.Kind == TriggerKind.Default;
    }

    public QuerySpec Spec { get; }
    public Guid QueryId { get; }
    public Guid RunId { get; }
    public QueryPlan Plan { get; }
    public Checkpoint Checkpoint { get; }
    public int KeyGroups { get; }
    public string CheckpointPath { get; }

    /// <summary>Purges what the checkpoint no longer needs after each commit; awaited idle before the run lets the checkpoint go.</summary>
    public CheckpointRetention Retention { get; }

    /// <summary>The sink's <c>description</c> in progress.</summary>
    public required string SinkDescription { get; init; }

    /// <summary>As Spark describes each source in progress reports.</summary>
    public IReadOnlyList<string> SourceDescriptions => _sources.Select(s => s.Source.Description).ToList();

    /// <summary>The id the next batch gets.</summary>
    public long NextBatchId { get; private set; }

    /// <summary>The global watermark the next batch runs with.</summary>
    public long WatermarkMs => _watermarks.GlobalMs;

    public bool HasPendingBatch => _pending is not null;

    /// <summary>Completes when the run lost its hold on the checkpoint (a blob lease): it must stop, and commits nothing more.</summary>
    public Task LockLost => _lock.Lost;

    /// <summary>Throws <see cref="CheckpointLockLostException"/> once <see cref="LockLost"/> has completed.</summary>
    public void ThrowIfLockLost() => _lock.ThrowIfLost();

    /// <summary>Per source: the end offsets of the last committed batch, where the next batch starts.</summary>
    public IReadOnlyList<IReadOnlyDictionary<int, long>> CommittedOffsets => _sources.Select(s => s.Committed.Partitions).ToList();

    /// <summary>Raised when committing offsets to a consumer group failed (the query goes on).</summary>
    public Action<Exception>? OffsetCommitFailed { get; set; }

    private bool _disposed;

    /// <summary>Opens the checkpoint and recovers: the last batch with offsets but no commit is pending and re-runs first.</summary>
    public static async Task<QueryRun> OpenAsync(QuerySpec spec, Guid queryId, Guid runId, string checkpointPath, ConnectorRegistry connectors, IGrainFactory grains, TimeProvider time, BlobCheckpointOptions blob, Storage.S3Options? s3 = null)
    {
        var plan = QueryPlanner.Plan(spec, connectors);
        var minBatchesToRetain = CheckpointRetention.MinBatchesToRetainOf(spec);
        var checkpointLock = await CheckpointLocations.LockAsync(checkpointPath, spec.Name, blob);
        var opened = new List<RunSource>();
        try
        {
            var checkpoint = new Checkpoint(CheckpointLocations.Open(checkpointPath, blob, s3));
            var (metadata, _) = await checkpoint.LoadOrCreateMetadataAsync(spec.Name, CheckpointMetadataFormat.DefaultKeyGroups);
            if (plan.SharesStreams && !spec.Options.ContainsKey(SpecOptions.ShareSubPlans))
            {
                // A checkpoint written with each join input planned apart (by a build before shared sub-plans) goes on with
                // that plan: the runs that follow send its spec, so every grain plans the same.
                var unshared = WithSharing(spec, false);
                var unsharedPlan = QueryPlanner.Plan(unshared, connectors);
                if (await StateLayout.IsLaidOutByAsync(checkpoint, Operators(unsharedPlan)))
                {
                    (spec, plan) = (unshared, unsharedPlan);
                }
            }
            await StateLayout.CheckAsync(checkpoint, Operators(plan),
                plan.SharesStreams ? Operators(QueryPlanner.Plan(WithSharing(spec, false), connectors)) : null,
                SpecOptions.SharesSubPlans(spec) ? null : Operators(QueryPlanner.Plan(WithSharing(spec, true), connectors)));
            foreach (var stream in plan.Streams)
            {
                var connector = connectors.Source(stream.Source.Kind);
                var context = new SourceContext(stream.Source, spec.Name, stream.Index, checkpoint.Store, grains, time);
                var source = connector.CreateSource(context);
                SourceOffsets initial;
                try
                {
                    initial = await ResolveInitialOffsetsAsync(checkpoint, source, stream.Index);
                }
                catch
                {
                    source.Dispose();
                    throw;
                }
                opened.Add(new RunSource(stream.Index, source, initial, connector.CreateOffsetCommitter(context), connector.MaxOffsetsPerTrigger(stream.Source)));
            }
            var query = new QueryRun(spec, queryId, runId, plan, checkpoint, checkpointLock, opened, connectors.SinkGrain(grains, spec.Sink, spec.Name, queryId), grains, time, metadata.KeyGroups, checkpointPath, minBatchesToRetain)
            {
                SinkDescription = connectors.Sink(spec.Sink.Kind).Describe(spec.Sink),
            };
            await query.RecoverAsync();
            return query;
        }
        catch
        {
            opened.ForEach(s => s.Dispose());
            checkpointLock.Dispose();
            throw;
        }
    }

    /// <summary>The query with <see cref="SpecOptions.ShareSubPlans"/> set to <paramref name="share"/>.</summary>
    private static QuerySpec WithSharing(QuerySpec spec, bool share) =>
        spec with { Options = new Dictionary<string, string>(spec.Options) { [SpecOptions.ShareSubPlans] = share ? "true" : "false" } };

    private static List<Operators.IStatefulOperator> Operators(QueryPlan plan) => [.. plan.Stages.Select(s => s.Operator)];

    private WatermarkTracker NewTracker(WatermarkPolicy policy, long globalMs) =>
        new(Plan.Streams.Select(s => s.Watermark is { } w ? (long)w.Delay.TotalMilliseconds : (long?)null).ToList(), policy, globalMs);

    private static async Task<SourceOffsets> ResolveInitialOffsetsAsync(Checkpoint checkpoint, IStreamSource source, int index)
    {
        var log = checkpoint.SourceStart(index);
        var resolved = new SourceOffsets(source.OffsetKey, await source.InitialOffsetsAsync(CancellationToken.None));
        await log.AddAsync(0, resolved);
        return await log.GetAsync(0) ?? throw new CheckpointCorruptException($"{checkpoint.Store.Location}/sources/{index}/0", "missing right after it was written");
    }

    private async Task RecoverAsync()
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
        CheckSourcesFit(offsets.Entry);
        var policy = Enum.TryParse<WatermarkPolicy>(offsets.Entry.WatermarkPolicy, ignoreCase: true, out var kept) ? kept : Spec.WatermarkPolicy;
        var committedId = latestCommit?.BatchId ?? -1;
        if (committedId == offsets.BatchId)
        {
            NextBatchId = offsets.BatchId + 1;
            SetCommitted(offsets.Entry);
            _previousBatchWatermarkMs = offsets.Entry.BatchWatermarkMs;
            _watermarks = NewTracker(policy, latestCommit!.Value.Entry.NextBatchWatermarkMs);
            // The batch that would have evicted state or fired timers may not have run before the stop.
            _noDataBatchDue = Plan.NoDataBatchDue(offsets.Entry.BatchWatermarkMs, WatermarkMs) || Plan.HasProcessingTimers;
        }
        else if (committedId == offsets.BatchId - 1)
        {
            NextBatchId = offsets.BatchId;
            _pending = offsets.Entry;
            _watermarks = NewTracker(policy, offsets.Entry.BatchWatermarkMs);
            if (offsets.BatchId > 0)
            {
                var previous = (await Checkpoint.Offsets.GetAsync(offsets.BatchId - 1))
                    ?? throw new CheckpointCorruptException($"{Checkpoint.Store.Location}/offsets/{offsets.BatchId - 1}", $"missing, but batch {offsets.BatchId} needs its end offsets");
                SetCommitted(previous);
                _previousBatchWatermarkMs = previous.BatchWatermarkMs;
            }
        }
        else
        {
            throw new CheckpointCorruptException($"{Checkpoint.Store.Location}/commits",
                $"the latest commit is batch {committedId} but the latest offsets are batch {offsets.BatchId}");
        }
    }

    private void SetCommitted(OffsetSeq offsets)
    {
        foreach (var source in _sources)
        {
            source.Committed = offsets.Sources[source.Index];
        }
    }

    /// <summary>The checkpoint's batches must be of the same sources: adding, removing or swapping one cannot resume.</summary>
    private void CheckSourcesFit(OffsetSeq offsets)
    {
        var problem = offsets.Sources.Count != _sources.Count
            ? $"the checkpoint's batches read {offsets.Sources.Count} sources ({string.Join(", ", offsets.Sources.Select(s => s.Key))}) and this query has {_sources.Count}"
            : _sources.FirstOrDefault(s => s.Source.OffsetKey != offsets.Sources[s.Index].Key) is { } changed
                ? $"source {changed.Index} was '{offsets.Sources[changed.Index].Key}' in the checkpoint and is '{changed.Source.OffsetKey}' now"
                : null;
        if (problem is not null)
        {
            throw new QueryStartException(
                $"This query's sources do not fit checkpoint '{Checkpoint.Store.Location}': {problem}. Offsets are kept per source, so the query cannot go on from it; " +
                "start it on a new checkpointLocation, or restore its sources.");
        }
    }

    /// <summary>Closes partition readers and state stores of the grains that served this run.</summary>
    public async Task ReleaseAgentsAsync()
    {
        await Task.WhenAll(_sources.SelectMany(s => s.Committed.Partitions.Keys.Select(p =>
            _grains.GetGrain<IPartitionAgentGrain>(new PartitionAgentId(QueryId, s.Index, p).ToString()).ReleaseAsync())));
        await Task.WhenAll(KeyGroupGrains().Select(g => g.ReleaseAsync()));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var source in _sources)
        {
            source.Dispose();
        }
        _lock.Dispose();
    }
}
