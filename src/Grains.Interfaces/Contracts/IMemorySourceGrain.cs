namespace Sluice.Contracts;

/// <summary>
/// A memory source (key: the stream's name): an append-only list of JSON rows with one partition, offsets
/// counting rows. Rows are parsed by the query's schema when read, as Kafka's json format is.
/// </summary>
[Alias("sluice.source.memory")]
public interface IMemorySourceGrain : IGrainWithStringKey
{
    /// <summary>Appends rows (JSON objects); returns the offset after the last one.</summary>
    Task<long> AddDataAsync(IReadOnlyList<string> jsonRows);

    Task<long> GetLatestOffsetAsync();

    /// <summary>The JSON rows in [start, end).</summary>
    Task<IReadOnlyList<string>> ReadAsync(long start, long end);
}
