namespace Sluice.Sources;

/// <summary>
/// Tells a source that a batch's offsets are committed (after <c>commits/N</c>): Kafka's consumer group for lag tools,
/// the files source's cleanup of processed files. Best effort: the checkpoint already holds the truth.
/// </summary>
public interface IOffsetCommitter : IDisposable
{
    Task CommitAsync(IReadOnlyDictionary<int, long> endOffsets, CancellationToken cancellationToken);
}
