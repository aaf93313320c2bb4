using Sluice.Checkpointing;
using Sluice.Contracts;

namespace Sluice.Coordinator;

/// <summary>What one executed batch did, for its progress report.</summary>
internal sealed record BatchOutcome(
    long BatchId,
    OffsetSeq Offsets,
    IReadOnlyList<SourceOffsets> StartOffsets,
    IReadOnlyList<SourceOffsets> LatestOffsets,
    IReadOnlyList<StreamResult> Results,
    long RowsOutput,
    IReadOnlyDictionary<string, long> DurationMs,
    IReadOnlyList<Progress.StateOperatorProgress> State);
