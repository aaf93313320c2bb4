using Sluice.Contracts;

namespace Sluice.Connectors.Memory;

/// <summary>Rows added by tests and scenarios, kept as JSON text for the life of the silo.</summary>
[KeepAlive]
[GrainType("sluice.source.memory")]
internal sealed class MemorySourceGrain : Grain, IMemorySourceGrain
{
    private readonly List<string> _rows = [];

    public Task<long> AddDataAsync(IReadOnlyList<string> jsonRows)
    {
        _rows.AddRange(jsonRows);
        return Task.FromResult((long)_rows.Count);
    }

    public Task<long> GetLatestOffsetAsync() => Task.FromResult((long)_rows.Count);

    public Task<IReadOnlyList<string>> ReadAsync(long start, long end)
    {
        if (start < 0 || end > _rows.Count || start > end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"memory source '{this.GetPrimaryKeyString()}' has {_rows.Count} rows; cannot read [{start}, {end})");
        }
        IReadOnlyList<string> slice = _rows.GetRange((int)start, (int)(end - start));
        return Task.FromResult(slice);
    }
}
