namespace Sluice.Sources;

/// <summary>What one read of a partition's range did.</summary>
/// <param name="RecordsRead">Records consumed from the source in the range.</param>
/// <param name="Malformed">Records that did not parse (PERMISSIVE keeps them as nulls, DROPMALFORMED drops them).</param>
/// <param name="Dropped">Malformed records dropped (DROPMALFORMED).</param>
public readonly record struct ReadResult(long RecordsRead, long Malformed, long Dropped);

/// <summary>
/// The reading side of a source, used by a partition agent: reads exactly [start, end) of one partition
/// and appends parsed rows (laid out by the source's schema) to <c>output</c>.
/// </summary>
public interface IPartitionReader : IDisposable
{
    Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken);
}
