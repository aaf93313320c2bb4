using Orleans.Concurrency;
using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Coordinator;

/// <summary>The stateful phases of a batch: finishing every key group, stage by stage, then committing their state.</summary>
internal sealed partial class QueryRun
{
    /// <summary>A batch is due without new data when the watermark moved or a processing-time timer came due.</summary>
    private bool NoDataBatchDue(long nowMs) =>
        _noDataBatchDue || (_nextProcessingTimerMs is { } timer && timer < nowMs);

    private IEnumerable<IWindowGrain> KeyGroupGrains() => Plan.Stages.SelectMany(s => KeyGroupGrains(s.Operator.Index));

    private IEnumerable<IWindowGrain> KeyGroupGrains(int op) =>
        Enumerable.Range(0, KeyGroups).Select(g => _grains.GetGrain<IWindowGrain>(new WindowGrainId(QueryId, op, g).ToString()));

    /// <summary>
    /// Every key group of every stage ends the batch (emits, evicts, fires timers), whether or not it got rows; a stage
    /// starts only when the one before it has finished, since its rows are the input of the next one.
    /// </summary>
    private async Task FinishKeyGroupsAsync(long batchId, OffsetSeq offsets, IReadOnlyList<StreamResult> agents)
    {
        _droppedByStage = new long[Plan.Stages.Count];
        if (Plan.Stages.Count == 0)
        {
            return;
        }
        _droppedByStage[0] = agents.Sum(a => a.Result.DroppedByWatermark);
        var eviction = Plan.InputWatermarks(offsets.BatchWatermarkMs);
        var late = Plan.InputWatermarks(_previousBatchWatermarkMs);
        var senders = agents.Select(a => (IReadOnlyList<int>)a.Result.KeyGroupsSent).ToList();
        long? nextTimer = null;
        for (var s = 0; s < Plan.Stages.Count; s++)
        {
            var applies = new int[KeyGroups];
            foreach (var group in senders.SelectMany(g => g))
            {
                applies[group]++;
            }
            var last = s == Plan.Stages.Count - 1;
            var stage = s;
            var results = await Task.WhenAll(KeyGroupGrains(Plan.Stages[s].Operator.Index).Select((g, group) => g.FinishAsync(new Immutable<WindowFinishRequest>(new WindowFinishRequest
            {
                Spec = Spec,
                RunId = RunId,
                BatchId = batchId,
                CheckpointPath = CheckpointPath,
                WatermarkMs = eviction[stage],
                BatchTimestampMs = offsets.BatchTimestampMs,
                ExpectedApplies = applies[group],
                NextLateWatermarkMs = last ? 0 : late[stage + 1],
                KeyGroups = KeyGroups,
            }))));
            nextTimer = results.Select(r => r.NextProcessingTimerMs).Append(nextTimer).Min();
            if (last)
            {
                _stagedByKeyGroups = results.Sum(r => r.RowsOutput);
            }
            else
            {
                _droppedByStage[s + 1] = results.Sum(r => r.DroppedByWatermark);
                senders = results.Select(r => (IReadOnlyList<int>)r.KeyGroupsSent).ToList();
            }
        }
        _nextProcessingTimerMs = nextTimer;
    }

    /// <summary>
    /// After the sink committed: state version N of every key group of every stage; one report per stateful operator,
    /// the one nearest the sink first (Spark's order of <c>stateOperators</c>).
    /// </summary>
    private async Task<IReadOnlyList<StateOperatorProgress>> CommitKeyGroupsAsync(long batchId)
    {
        var stages = await Task.WhenAll(Plan.Stages.Select(s => Task.WhenAll(KeyGroupGrains(s.Operator.Index).Select(g => g.CommitAsync(RunId, batchId)))));
        return Plan.Stages.Select((stage, s) => Report(stage.Operator.Name, stages[s], _droppedByStage[s])).Reverse().ToList();
    }

    private static StateOperatorProgress Report(string name, IReadOnlyList<StateOperatorProgress> groups, long dropped)
    {
        var custom = new Dictionary<string, long>();
        foreach (var (metric, value) in groups.SelectMany(g => g.CustomMetrics))
        {
            custom[metric] = custom.GetValueOrDefault(metric) + value;
        }
        return new StateOperatorProgress
        {
            OperatorName = name,
            NumRowsTotal = groups.Sum(g => g.NumRowsTotal),
            NumRowsUpdated = groups.Sum(g => g.NumRowsUpdated),
            NumRowsRemoved = groups.Sum(g => g.NumRowsRemoved),
            NumRowsDroppedByWatermark = dropped,
            MemoryUsedBytes = groups.Sum(g => g.MemoryUsedBytes),
            CommitTimeMs = groups.Sum(g => g.CommitTimeMs),
            CustomMetrics = custom,
        };
    }
}
