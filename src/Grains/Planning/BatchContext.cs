using Sluice.Contracts;

namespace Sluice.Planning;

/// <summary>What operators know of the batch they run in, and the event-time figures they gather for it.</summary>
internal sealed class BatchContext(long batchId, long watermarkMs, long batchTimestampMs)
{
    public long BatchId { get; } = batchId;

    /// <summary>The watermark this batch runs with (computed at the end of the previous batch).</summary>
    public long WatermarkMs { get; } = watermarkMs;

    public long BatchTimestampMs { get; } = batchTimestampMs;

    public EventTimeStats EventTime { get; } = new();

    /// <summary>Which input stream the rows come from (0: the query's source; then unions' and joins' streams).</summary>
    public int StreamIndex { get; init; }
}
