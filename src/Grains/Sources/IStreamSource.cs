namespace Sluice.Sources;

/// <summary>
/// The planning side of a source, used by the coordinator: which partitions exist and how far each one goes.
/// Offsets are per partition; a batch reads [start, end) of each.
/// </summary>
public interface IStreamSource : IDisposable
{
    /// <summary>As in Spark's progress, e.g. <c>KafkaV2[Subscribe[events]]</c>.</summary>
    string Description { get; }

    /// <summary>The outer key of this source's offsets JSON (the topic for Kafka; the stream name otherwise).</summary>
    string OffsetKey { get; }

    /// <summary>The offsets the first batch starts from (resolves <c>startingOffsets</c>); written to the checkpoint once.</summary>
    Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken);

    /// <summary>The offset after the last available record, per partition.</summary>
    Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken);

    /// <summary>What every reader of this source needs from the planning side (the rate source's start time), known after <see cref="InitialOffsetsAsync"/>.</summary>
    string? ReaderContext => null;
}
