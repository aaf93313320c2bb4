using System.Diagnostics;
using Orleans.Concurrency;
using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Diagnostics;
using Sluice.Progress;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Coordinator;

/// <summary>The phases of one batch: constructNextBatch, runBatch, commitBatch.</summary>
internal sealed partial class QueryRun
{
    /// <summary>
    /// Per source: the offset after the last available record, per partition. A shadow stream's are its primary's
    /// (<see cref="Planning.StreamPlan.SharedWith"/>): it is the same source, read once.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<int, long>>> LatestOffsetsAsync(CancellationToken cancellationToken)
    {
        var latest = await Task.WhenAll(_sources.Select(s => Plan.Streams[s.Index].SharedWith is null
            ? s.Source.LatestOffsetsAsync(cancellationToken)
            : Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long>())));
        foreach (var stream in Plan.Streams.Where(s => s.SharedWith is not null))
        {
            latest[stream.Index] = latest[stream.SharedWith!.Value];
        }
        return latest;
    }

    /// <summary>
    /// Runs the next batch; null when there is no new data and no batch is due (nothing written). With
    /// <paramref name="limited"/> each source's maxOffsetsPerTrigger applies; <paramref name="targets"/> caps the
    /// offsets per source (availableNow).
    /// </summary>
    public async Task<BatchOutcome?> RunNextBatchAsync(bool limited, IReadOnlyList<IReadOnlyDictionary<int, long>>? targets, CancellationToken cancellationToken)
    {
        _lock.ThrowIfLost();
        var durations = new Dictionary<string, long>();
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        var ahead = _nextLatest;
        _nextLatest = null;
        var latest = await (ahead ?? LatestOffsetsAsync(cancellationToken));
        durations["latestOffset"] = phase.ElapsedMilliseconds;
        foreach (var source in _sources)
        {
            source.CheckNoDataLoss(latest[source.Index], CheckpointPath);
        }

        var offsets = _pending;
        Task<long>? walCommit = null;
        if (offsets is null)
        {
            var ends = _sources.Select(s => OffsetPlanner.PlanEnd(s.Committed.Partitions, latest[s.Index], limited ? s.MaxOffsetsPerTrigger : null, targets?[s.Index])).ToList();
            foreach (var stream in Plan.Streams.Where(s => s.SharedWith is not null))
            {
                // A shadow stream's batch is its primary's rows (it has no agents): its offsets record exactly those.
                ends[stream.Index] = ends[stream.SharedWith!.Value];
            }
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (!_sources.Any(s => OffsetPlanner.HasNewData(s.Committed.Partitions, ends[s.Index])) && !NoDataBatchDue(now))
            {
                if (ahead is not null)
                {
                    // Offsets asked ahead predate this call (and a ProcessAllAvailable waiting on it): only a fresh
                    // look may call the query idle.
                    return await RunNextBatchAsync(limited, targets, cancellationToken);
                }
                // Idle: the last batches' consumer-group commits land before the loop reports it (ProcessAllAvailable).
                await _groupCommit;
                return null;
            }
            offsets = new OffsetSeq(WatermarkMs, now, _sources.Select(s => new SourceOffsets(s.Source.OffsetKey, ends[s.Index])).ToList())
            {
                WatermarkPolicy = _watermarks.Policy.ToString().ToLowerInvariant(),
            };
            _lock.ThrowIfLost();
            walCommit = WriteOffsetsAsync(NextBatchId, offsets, cancellationToken);
        }
        else
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        phase.Restart();
        var batchId = NextBatchId;
        // The agents read and stage while offsets/N is being written: nothing they do is durable (rows go to key groups'
        // working state and to the sink's staging, which a failed attempt drops), and nothing of the batch finishes or
        // commits before the write is durable, so the durable writes keep the protocol's order (offsets/N, sink, state,
        // commits/N) and the write's fsyncs leave the batch's path. Both are awaited: the write's failure comes first.
        var execution = NotStuck(batchId, RunBatchAsync(batchId, offsets));
        await Task.WhenAll(walCommit ?? Task.FromResult(0L), execution);
        if (walCommit is not null)
        {
            durations["walCommit"] = await walCommit;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var results = await execution;
        FaultInjection.Hit("afterStateStaged", batchId);
        await NotStuck(batchId, FinishAsync());
        FaultInjection.Hit("afterSinkStaged", batchId);
        durations["addBatch"] = phase.ElapsedMilliseconds;
        cancellationToken.ThrowIfCancellationRequested();

        phase.Restart();
        var (rowsOutput, state) = await NotStuck(batchId, CommitBatchAsync(batchId, offsets, results));
        durations["commitOffsets"] = phase.ElapsedMilliseconds;
        durations["triggerExecution"] = total.ElapsedMilliseconds;

        var started = _sources.Select(s => s.Committed).ToList();
        SetCommitted(offsets);
        _previousBatchWatermarkMs = offsets.BatchWatermarkMs;
        _pending = null;
        NextBatchId = batchId + 1;
        Retention.AfterCommit(batchId);
        var latestOffsets = _sources.Select(s => new SourceOffsets(s.Source.OffsetKey, latest[s.Index])).ToList();
        return new BatchOutcome(batchId, offsets, started, latestOffsets, WithShadows(results), rowsOutput, durations, state);

        async Task<bool> FinishAsync()
        {
            await FinishKeyGroupsAsync(batchId, offsets, results);
            return true;
        }
    }

    /// <summary>
    /// The batch protocol's calls may take as long as the batch (<see cref="BatchCalls"/>): one that timed out even so is
    /// stuck, and the error says so and what to do, instead of Orleans' message alone.
    /// </summary>
    private async Task<T> NotStuck<T>(long batchId, Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (TimeoutException e)
        {
            // Orleans' message names the grain and method first, then pages of activation diagnostics.
            var detail = e.Message.Split(". Last known status", 2)[0];
            throw new TimeoutException(BatchCalls.StuckMessage(Spec.Name, batchId, detail), e);
        }
    }

    /// <summary>Writes <c>offsets/N</c> (durable when it returns); returns how long it took (<c>walCommit</c>).</summary>
    private async Task<long> WriteOffsetsAsync(long batchId, OffsetSeq offsets, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (!await Checkpoint.Offsets.AddAsync(batchId, offsets, cancellationToken))
        {
            throw new InvalidOperationException($"offsets/{batchId} appeared in checkpoint '{Checkpoint.Store.Location}' while this run planned it: another process writes to this checkpoint.");
        }
        FaultInjection.Hit("afterOffsets", batchId);
        return watch.ElapsedMilliseconds;
    }

    /// <summary>One call per partition with data, per source; the agents read, run operators and stage.</summary>
    private async Task<IReadOnlyList<StreamResult>> RunBatchAsync(long batchId, OffsetSeq offsets)
    {
        var calls = new List<Task<StreamResult>>();
        var late = Plan.InputWatermarks(_previousBatchWatermarkMs);
        foreach (var source in _sources.Where(s => Plan.Streams[s.Index].SharedWith is null))
        {
            foreach (var (partition, until) in offsets.Sources[source.Index].Partitions.OrderBy(p => p.Key))
            {
                var from = source.Committed[partition];
                if (until > from)
                {
                    calls.Add(ExecuteAsync(source, partition, from, until, batchId, offsets, late));
                }
            }
        }
        if (calls.Count > 0)
        {
            await Task.WhenAny(calls);
            FaultInjection.Hit("afterSomeAgentsRead", batchId);
        }
        return await Task.WhenAll(calls);
    }

    /// <param name="late">Each stage's input watermark of the previous batch (its late-row threshold).</param>
    private async Task<StreamResult> ExecuteAsync(RunSource source, int partition, long from, long until, long batchId, OffsetSeq offsets, long[] late)
    {
        var agent = _grains.GetGrain<IPartitionAgentGrain>(new PartitionAgentId(QueryId, source.Index, partition).ToString());
        var result = await agent.ExecuteAsync(new Immutable<AgentBatchRequest>(new AgentBatchRequest
        {
            Spec = Spec,
            RunId = RunId,
            BatchId = batchId,
            Start = from,
            End = until,
            // Agents drop the rows that are late for the first stateful operator: behind its input watermark of the
            // previous batch (Spark 3.5's eventTimeWatermarkForLateEvents; the batch's own watermark is for eviction).
            WatermarkMs = Plan.StreamTargets[source.Index] is var target and >= 0 ? late[target] : offsets.BatchWatermarkMs,
            BatchTimestampMs = offsets.BatchTimestampMs,
            ReaderContext = source.ReaderContext,
            KeyGroups = KeyGroups,
            CheckpointPath = CheckpointPath,
        }));
        return new StreamResult(source.Index, result);
    }

    private async Task<(long Rows, IReadOnlyList<StateOperatorProgress> State)> CommitBatchAsync(long batchId, OffsetSeq offsets, IReadOnlyList<StreamResult> results)
    {
        // Checked before the sink commit and before commits/N: a run that lost its checkpoint lock writes neither.
        _lock.ThrowIfLost();
        var sink = _sink;
        // Both before the commit, in one round trip's time: the settings are only read by the commit.
        var configured = sink.ConfigureAsync(new Immutable<SinkConfig>(new SinkConfig(Spec.Sink, QueryId, Spec.Name)));
        // Agents of a stream that has no stateful operator stage their own rows; the last stages stage the rest.
        var staged = results.Where(r => Plan.StreamTargets[r.Stream] < 0).Sum(r => r.Result.RowsOutput) + _stagedByKeyGroups;
        var present = await sink.StagedRowsAsync(batchId);
        await configured;
        if (present != ISinkGrain.AlreadyCommitted && present < staged)
        {
            // The sink writer's activation (and the rows staged in it) was lost with its silo: committing now would
            // lose output. Nothing of this batch is committed yet, so a new run re-runs it whole.
            throw new BatchAttemptLostException(
                $"the {Spec.Sink.Kind} sink holds {present} of the {staged} rows staged for batch {batchId}: staged output was lost with a silo. " +
                "The batch is not committed; it re-runs from the checkpoint.");
        }
        var rows = await sink.CommitAsync(batchId, Spec.OutputMode, Plan.OutputSchema);
        if (rows != ISinkGrain.AlreadyCommitted && rows < staged)
        {
            // Lost between the check and the commit: the sink committed fewer rows than were staged.
            throw new BatchAttemptLostException(
                $"the {Spec.Sink.Kind} sink committed {rows} rows of batch {batchId} but {staged} were staged: staged output was lost (did a silo fail?). " +
                "The batch has no commit and re-runs when the query restarts.");
        }
        rows = Math.Max(rows, 0);
        FaultInjection.Hit("afterSinkCommitted", batchId);
        if (LateRows.SinkName(Spec) is { } lateSink)
        {
            await Connectors.ConnectorRegistry.MemorySink(_grains, lateSink).CommitAsync(batchId, OutputMode.Append, Plan.StatefulInputSchema);
        }
        var state = await CommitKeyGroupsAsync(batchId);
        foreach (var result in WithShadows(results))
        {
            _watermarks.Observe(result.Stream, result.Result.EventTime);
        }
        var nextWatermark = _watermarks.Advance();
        _lock.ThrowIfLost();
        if (_planAhead)
        {
            // The default trigger starts the next batch as soon as this one commits: ask for its latest offsets (a
            // read-only broker call) while commits/N is written; offsets/N+1 is still written only after commits/N.
            _nextLatest = LatestOffsetsAsync(CancellationToken.None);
        }
        if (!await Checkpoint.Commits.AddAsync(batchId, new CommitEntry(nextWatermark)))
        {
            throw new InvalidOperationException($"commits/{batchId} appeared in checkpoint '{Checkpoint.Store.Location}' while this run committed it: another process writes to this checkpoint.");
        }
        FaultInjection.Hit("afterCommitLog", batchId);
        _noDataBatchDue = Plan.NoDataBatchDue(offsets.BatchWatermarkMs, nextWatermark);
        _groupCommit = CommitToConsumerGroupsAsync(_groupCommit, offsets);
        return (rows, state);
    }

    /// <summary>
    /// The agents' results, and for each shadow stream (<see cref="Planning.StreamPlan.SharedWith"/>) its primary's as its
    /// own: what its agents would have read in the unshared plan, for progress and the global watermark.
    /// </summary>
    private IReadOnlyList<StreamResult> WithShadows(IReadOnlyList<StreamResult> results) =>
        [.. results, .. Plan.Streams.Where(s => s.SharedWith is not null)
            .SelectMany(s => results.Where(r => r.Stream == s.SharedWith).Select(r => r with { Stream = s.Index }))];

    /// <summary>
    /// Completes when nothing of this run is in flight off the batch's path (consumer-group commits, the next batch's
    /// latest offsets asked ahead); never faults. Awaited before the run's sources are disposed, so lag tools are up
    /// to date when a query stops (an idle iteration waits for the group commits too).
    /// </summary>
    public async Task QuiesceAsync()
    {
        await _groupCommit;
        if (_nextLatest is { } ahead)
        {
            _nextLatest = null;
            try
            {
                await ahead;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Asked ahead for a batch that will not run; its failure would have been the next batch's.
            }
        }
    }

    /// <summary>
    /// Only after commits/N: lag tools then never show a batch as done that a crash would re-run. Off the batch's path
    /// (the next batch plans and runs meanwhile), one batch after the other: each waits for the one before, so the
    /// group's offsets only move forward.
    /// </summary>
    private async Task CommitToConsumerGroupsAsync(Task previous, OffsetSeq offsets)
    {
        await previous;
        foreach (var source in _sources.Where(s => s.Committer is not null))
        {
            try
            {
                await source.Committer!.CommitAsync(offsets.Sources[source.Index].Partitions, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lag reporting is best effort; the checkpoint already holds the truth.
                OffsetCommitFailed?.Invoke(e);
            }
        }
    }
}

/// <summary>What one partition agent of one input stream did in a batch (for a shadow stream: what its primary's did).</summary>
internal sealed record StreamResult(int Stream, AgentBatchResult Result);
