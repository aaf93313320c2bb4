namespace Sluice.Contracts;

/// <summary>
/// A memory source (key: the stream's name): an append-only list of JSON rows with one partition, offsets
/// counting entries: a row, or an <c>addData</c> of no rows (an empty entry, so a batch runs with no input rows, as
/// Spark's MemoryStream moves its offset on every addData). Rows are parsed by the query's schema when read, as
/// Kafka's json format is.
/// </summary>
[Alias("sluice.source.memory")]
public interface IMemorySourceGrain : IGrainWithStringKey
{
    /// <summary>Appends rows (JSON objects); returns the offset after the last one.</summary>
    Task<long> AddDataAsync(IReadOnlyList<string> jsonRows);

    Task<long> GetLatestOffsetAsync();

    /// <summary>The entries in [start, end): JSON rows, and null for each <c>addData</c> of no rows.</summary>
    Task<IReadOnlyList<string?>> ReadAsync(long start, long end);
}
