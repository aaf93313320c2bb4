using Orleans.Concurrency;
using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>One batch's work for one source partition.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.AgentBatchRequest")]
public sealed record AgentBatchRequest
{
    [Id(0)] public required QuerySpec Spec { get; init; }
    [Id(1)] public Guid RunId { get; init; }
    [Id(2)] public long BatchId { get; init; }
    /// <summary>Offsets [Start, End) of the partition.</summary>
    [Id(3)] public long Start { get; init; }
    [Id(4)] public long End { get; init; }
    [Id(5)] public long WatermarkMs { get; init; }
    [Id(6)] public long BatchTimestampMs { get; init; }
    /// <summary>What a reader needs from the planning side (the rate source's start time), or null.</summary>
    [Id(7)] public string? ReaderContext { get; init; }
    /// <summary>Key groups of the stateful operator (fixed in the checkpoint).</summary>
    [Id(8)] public int KeyGroups { get; init; }
    [Id(9)] public string CheckpointPath { get; init; } = "";
}

/// <summary>What an agent did in a batch.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.AgentBatchResult")]
public sealed record AgentBatchResult
{
    [Id(0)] public long RecordsRead { get; init; }
    [Id(1)] public long Malformed { get; init; }
    [Id(2)] public long DroppedMalformed { get; init; }
    [Id(3)] public long RowsOutput { get; init; }
    [Id(4)] public required EventTimeStats EventTime { get; init; }
    /// <summary>Rows behind the watermark at the stateful operator (dropped, or sent to the late-rows sink).</summary>
    [Id(5)] public long DroppedByWatermark { get; init; }
    /// <summary>The key groups the agent sent records to (one apply call each), so each can be checked for all of them.</summary>
    [Id(6)] public IReadOnlyList<int> KeyGroupsSent { get; init; } = [];
}

/// <summary>
/// Owns one source partition of one query (key: <see cref="PartitionAgentId"/>): reads exactly the planned range,
/// parses it, runs the stateless operators and stages the output at the sink, in one call per batch.
/// </summary>
[Alias("sluice.agent")]
public interface IPartitionAgentGrain : IGrainWithStringKey
{
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task<AgentBatchResult> ExecuteAsync(Immutable<AgentBatchRequest> request);

    /// <summary>Closes the partition's reader (the query stopped).</summary>
    Task ReleaseAsync();
}
