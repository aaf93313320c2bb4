using Orleans.Concurrency;
using Sluice.Progress;
using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>A grouping key (encoded) and what an agent sends for it: a partial aggregate, a row, rows.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.KeyedRecord")]
public readonly record struct KeyedRecord([property: Id(0)] byte[] Key, [property: Id(1)] object?[] Value);

/// <summary>One agent's records for one key group in one batch.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.WindowApplyRequest")]
public sealed record WindowApplyRequest
{
    [Id(0)] public required QuerySpec Spec { get; init; }
    [Id(1)] public Guid RunId { get; init; }
    [Id(2)] public long BatchId { get; init; }
    [Id(3)] public required string CheckpointPath { get; init; }
    [Id(4)] public required List<KeyedRecord> Records { get; init; }
    /// <summary>
    /// An aggregation's partial aggregates for this key group as one columnar payload (encoded keys, typed accumulator
    /// lanes) instead of a record per group; null when the agent sent records.
    /// </summary>
    [Id(5)] public byte[]? Partials { get; init; }
    /// <summary>
    /// As <see cref="Partials"/>, in a slice of the agent's pooled buffer (sent to <see cref="IWindowGrain.ApplyPooledPartialsAsync"/>):
    /// a key group on the agent's silo reads it in place, another silo gets exactly the slice's bytes. Empty when not sent.
    /// </summary>
    [Id(6)] public ReadOnlyMemory<byte> PooledPartials { get; init; }
}

/// <summary>The end of a batch for one key group: emit output, evict, fire timers.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.WindowFinishRequest")]
public sealed record WindowFinishRequest
{
    [Id(0)] public required QuerySpec Spec { get; init; }
    [Id(1)] public Guid RunId { get; init; }
    [Id(2)] public long BatchId { get; init; }
    [Id(3)] public required string CheckpointPath { get; init; }
    /// <summary>This operator's input watermark for the batch (eviction, event-time timeouts).</summary>
    [Id(4)] public long WatermarkMs { get; init; }
    [Id(5)] public long BatchTimestampMs { get; init; }
    /// <summary>How many agents sent this key group records in the batch: fewer arrived means some were lost with a silo.</summary>
    [Id(6)] public int ExpectedApplies { get; init; }
    /// <summary>With a next stateful operator: its input watermark of the previous batch, behind which its input rows are late.</summary>
    [Id(7)] public long NextLateWatermarkMs { get; init; }
    /// <summary>The query's key-group count, for routing to the next stateful operator.</summary>
    [Id(8)] public int KeyGroups { get; init; }
    /// <summary>
    /// Per output of the stage (a shared stage has several, see the plan's <c>StatefulStage.Outputs</c>): the
    /// <see cref="NextLateWatermarkMs"/> of that output's next stateful operator (0 for the sink). Null from a coordinator
    /// of a build before shared stages: the stage's one output uses <see cref="NextLateWatermarkMs"/>.
    /// </summary>
    [Id(9)] public long[]? NextLateWatermarksMs { get; init; }
}

/// <summary>What a key group did at the end of a batch.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.WindowFinishResult")]
public sealed record WindowFinishResult
{
    /// <summary>Rows staged at the sink (0 when the rows went to the next stateful operator).</summary>
    [Id(0)] public long RowsOutput { get; init; }
    /// <summary>The earliest pending processing-time timer, so the coordinator knows when a no-data batch is due.</summary>
    [Id(1)] public long? NextProcessingTimerMs { get; init; }
    /// <summary>The next stateful operator's key groups this one sent rows to (each checks it got them all).</summary>
    [Id(2)] public int[] KeyGroupsSent { get; init; } = [];
    /// <summary>Rows the next stateful operator dropped behind its watermark, counted as it counts them.</summary>
    [Id(3)] public int DroppedByWatermark { get; init; }
    /// <summary>
    /// Per output of the stage, in the plan's order: the key groups of that output's next stateful operator this one sent
    /// rows to (<see cref="KeyGroupsSent"/> and <see cref="DroppedByWatermark"/> are the first output's). Null from a key
    /// group of a build before shared stages.
    /// </summary>
    [Id(4)] public int[][]? KeyGroupsSentPerOutput { get; init; }
    /// <summary>Per output of the stage: the rows its next stateful operator dropped behind its watermark.</summary>
    [Id(5)] public int[]? DroppedPerOutput { get; init; }
}

/// <summary>
/// Owns the state of one key group of one stateful operator (key: <see cref="WindowGrainId"/>): aggregates,
/// dedup sets, GroupState values and timers, in a versioned state store. Agents send one call per key group
/// per batch; the coordinator then finishes the batch and, after the sink committed, commits the state.
/// </summary>
[Alias("sluice.window")]
public interface IWindowGrain : IGrainWithStringKey
{
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task ApplyAsync(Immutable<WindowApplyRequest> request);

    /// <summary>
    /// An agent's partial aggregates as one payload (<see cref="WindowApplyRequest.Partials"/>), with any records. Its own
    /// method, not a new member read by <see cref="ApplyAsync"/>: a silo of a build before payloads, which would ignore
    /// the member and lose the groups in it, has no such method and fails the call, so the batch re-runs instead.
    /// </summary>
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task ApplyPartialsAsync(Immutable<WindowApplyRequest> request);

    /// <summary>
    /// As <see cref="ApplyPartialsAsync"/>, with the payload in <see cref="WindowApplyRequest.PooledPartials"/>; its own
    /// method for the same reason (a silo of an earlier build would ignore the member). The agent reuses the buffer only
    /// after every key group's call returned.
    /// </summary>
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task ApplyPooledPartialsAsync(Immutable<WindowApplyRequest> request);

    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task<WindowFinishResult> FinishAsync(Immutable<WindowFinishRequest> request);

    /// <summary>Makes the batch's state durable; returns the key group's state metrics.</summary>
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task<StateOperatorProgress> CommitAsync(Guid runId, long batchId);

    /// <summary>Drops the open store (the query stopped).</summary>
    Task ReleaseAsync();
}
