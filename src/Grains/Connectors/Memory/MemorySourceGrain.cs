using Sluice.Contracts;

namespace Sluice.Connectors.Memory;

/// <summary>
/// Rows added by tests and scenarios, kept as JSON text for the life of the silo. An <c>addData</c> of no rows is kept
/// as one empty entry (null): it moves the offset by one, so a batch runs with no input rows, as Spark's
/// <c>MemoryStream.addData</c> of no rows still moves its offset.
/// </summary>
[KeepAlive]
[GrainType("sluice.source.memory")]
internal sealed class MemorySourceGrain : Grain, IMemorySourceGrain
{
    private readonly List<string?> _entries = [];

    public Task<long> AddDataAsync(IReadOnlyList<string> jsonRows)
    {
        if (jsonRows.Count == 0)
        {
            _entries.Add(null);
        }
        else
        {
            _entries.AddRange(jsonRows);
        }
        return Task.FromResult((long)_entries.Count);
    }

    public Task<long> GetLatestOffsetAsync() => Task.FromResult((long)_entries.Count);

    public Task<IReadOnlyList<string?>> ReadAsync(long start, long end)
    {
        if (start < 0 || end > _entries.Count || start > end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"memory source '{this.GetPrimaryKeyString()}' has {_entries.Count} entries; cannot read [{start}, {end})");
        }
        IReadOnlyList<string?> slice = _entries.GetRange((int)start, (int)(end - start));
        return Task.FromResult(slice);
    }
}
