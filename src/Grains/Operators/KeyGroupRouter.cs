using Sluice.Contracts;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>Collects an agent's keyed records per destination key group, for one call per group per batch.</summary>
internal sealed class KeyGroupRouter(int keyGroups)
{
    private readonly Dictionary<int, List<KeyedRecord>> _groups = [];

    public int KeyGroups { get; } = keyGroups;

    public void Add(byte[] key, object?[] value)
    {
        var group = RowCodec.KeyGroupOf(key, KeyGroups);
        if (!_groups.TryGetValue(group, out var records))
        {
            _groups[group] = records = [];
        }
        records.Add(new KeyedRecord(key, value));
    }

    public IReadOnlyDictionary<int, List<KeyedRecord>> Groups => _groups;
}
