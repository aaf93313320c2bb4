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
    /// starts only when every stage feeding it has finished, since their rows are its input (stages run in plan order).
    /// </summary>
    private async Task FinishKeyGroupsAsync(long batchId, OffsetSeq offsets, IReadOnlyList<StreamResult> agents)
    {
        _droppedByStage = new long[Plan.Stages.Count];
        _stagedByKeyGroups = 0;
        if (Plan.Stages.Count == 0)
        {
            return;
        }
        var eviction = Plan.InputWatermarks(offsets.BatchWatermarkMs);
        var late = Plan.InputWatermarks(_previousBatchWatermarkMs);
        // Per stage and key group: how many senders (agents, key groups of the stages before) called it.
        var applies = Plan.Stages.Select(_ => new int[KeyGroups]).ToList();
        foreach (var agent in agents)
        {
            if (Plan.StreamTargets[agent.Stream] is var target and >= 0)
            {
                Count(target, agent.Result.KeyGroupsSent);
                _droppedByStage[target] += agent.Result.DroppedByWatermark;
            }
        }
        long? nextTimer = null;
        foreach (var stage in Plan.Stages)
        {
            var outputs = stage.Outputs;
            var nextLate = outputs.Select(o => o.Next >= 0 ? late[o.Next] : 0).ToArray();
            var results = await Task.WhenAll(KeyGroupGrains(stage.Operator.Index).Select((g, group) => g.FinishAsync(new Immutable<WindowFinishRequest>(new WindowFinishRequest
            {
                Spec = Spec,
                RunId = RunId,
                BatchId = batchId,
                CheckpointPath = CheckpointPath,
                WatermarkMs = eviction[stage.Position],
                BatchTimestampMs = offsets.BatchTimestampMs,
                ExpectedApplies = applies[stage.Position][group],
                NextLateWatermarkMs = nextLate[0],
                NextLateWatermarksMs = nextLate,
                KeyGroups = KeyGroups,
            }))));
            nextTimer = results.Select(r => r.NextProcessingTimerMs).Append(nextTimer).Min();
            _stagedByKeyGroups += results.Sum(r => r.RowsOutput);
            for (var o = 0; o < outputs.Count; o++)
            {
                if (outputs[o].Next < 0)
                {
                    continue;
                }
                foreach (var result in results)
                {
                    var (sent, dropped) = OutputOf(stage, result, o);
                    _droppedByStage[outputs[o].Next] += dropped;
                    Count(outputs[o].Next, sent);
                }
            }
        }
        _nextProcessingTimerMs = nextTimer;

        void Count(int stage, IEnumerable<int> groups)
        {
            foreach (var group in groups)
            {
                applies[stage][group]++;
            }
        }
    }

    /// <summary>
    /// What a key group sent to one output's next stage. A key group of a build before shared stages reports its one
    /// output only: with several, the others' senders would go uncounted, so the batch fails and re-runs instead.
    /// </summary>
    private (int[] Sent, int Dropped) OutputOf(Planning.StatefulStage stage, WindowFinishResult result, int output)
    {
        if (result.KeyGroupsSentPerOutput is { } sent && result.DroppedPerOutput is { } dropped)
        {
            return (sent[output], dropped[output]);
        }
        if (stage.Outputs.Count > 1)
        {
            throw new BatchAttemptLostException(
                $"a key group of operator {stage.Operator.Index} runs on a silo of a build before shared stages and reported one of its {stage.Outputs.Count} outputs: " +
                "the batch is not committed; it re-runs from the checkpoint once every silo runs this build.");
        }
        return (result.KeyGroupsSent, result.DroppedByWatermark);
    }

    /// <summary>
    /// After the sink committed: state version N of every key group of every stage; one report per stateful operator,
    /// in Spark's order of <c>stateOperators</c> (<see cref="Planning.QueryPlan.ProgressOrder"/>: the one nearest the sink first).
    /// </summary>
    private async Task<IReadOnlyList<StateOperatorProgress>> CommitKeyGroupsAsync(long batchId)
    {
        var stages = await Task.WhenAll(Plan.Stages.Select(s => Task.WhenAll(KeyGroupGrains(s.Operator.Index).Select(g => g.CommitAsync(RunId, batchId)))));
        return Plan.ProgressOrder.Select(s => Report(Plan.Stages[s].Operator.Name, stages[s], _droppedByStage[s])).ToList();
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
