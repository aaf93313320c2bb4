using Orleans.Concurrency;
using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Coordinator;

/// <summary>The stateful phases of a batch: finishing every key group, then committing their state.</summary>
internal sealed partial class QueryRun
{
    /// <summary>A batch is due without new data when the watermark moved or a processing-time timer came due.</summary>
    private bool NoDataBatchDue(long nowMs) =>
        _noDataBatchDue || (_nextProcessingTimerMs is { } timer && timer < nowMs);

    private IEnumerable<IWindowGrain> KeyGroupGrains() =>
        Plan.Stateful is { } op
            ? Enumerable.Range(0, KeyGroups).Select(g => _grains.GetGrain<IWindowGrain>(new WindowGrainId(QueryId, op.Index, g).ToString()))
            : [];

    /// <summary>Every key group ends the batch (emits, evicts, fires timers), whether or not it got rows.</summary>
    private async Task FinishKeyGroupsAsync(long batchId, OffsetSeq offsets, IReadOnlyList<StreamResult> agents)
    {
        if (Plan.Stateful is null)
        {
            return;
        }
        var applies = new int[KeyGroups];
        foreach (var group in agents.SelectMany(a => a.Result.KeyGroupsSent))
        {
            applies[group]++;
        }
        var results = await Task.WhenAll(KeyGroupGrains().Select((g, group) => g.FinishAsync(new Immutable<WindowFinishRequest>(new WindowFinishRequest
        {
            Spec = Spec,
            RunId = RunId,
            BatchId = batchId,
            CheckpointPath = CheckpointPath,
            WatermarkMs = offsets.BatchWatermarkMs,
            BatchTimestampMs = offsets.BatchTimestampMs,
            ExpectedApplies = applies[group],
        }))));
        _nextProcessingTimerMs = results.Min(r => r.NextProcessingTimerMs);
        _stagedByKeyGroups = results.Sum(r => r.RowsOutput);
    }

    /// <summary>After the sink committed: state version N of every key group, summed into one operator report.</summary>
    private async Task<StateOperatorProgress?> CommitKeyGroupsAsync(long batchId, IReadOnlyList<AgentBatchResult> results)
    {
        if (Plan.Stateful is not { } op)
        {
            return null;
        }
        var groups = await Task.WhenAll(KeyGroupGrains().Select(g => g.CommitAsync(RunId, batchId)));
        var custom = new Dictionary<string, long>();
        foreach (var (name, value) in groups.SelectMany(g => g.CustomMetrics))
        {
            custom[name] = custom.GetValueOrDefault(name) + value;
        }
        return new StateOperatorProgress
        {
            OperatorName = op.Name,
            NumRowsTotal = groups.Sum(g => g.NumRowsTotal),
            NumRowsUpdated = groups.Sum(g => g.NumRowsUpdated),
            NumRowsRemoved = groups.Sum(g => g.NumRowsRemoved),
            NumRowsDroppedByWatermark = results.Sum(r => r.DroppedByWatermark),
            MemoryUsedBytes = groups.Sum(g => g.MemoryUsedBytes),
            CommitTimeMs = groups.Sum(g => g.CommitTimeMs),
            CustomMetrics = custom,
        };
    }
}
