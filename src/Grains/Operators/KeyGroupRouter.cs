using Sluice.Contracts;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>Collects an agent's keyed records (or partial aggregates) per destination key group, for one call per group per batch.</summary>
internal sealed class KeyGroupRouter(int keyGroups)
{
    private readonly Dictionary<int, List<KeyedRecord>> _groups = [];
    private Dictionary<int, byte[]>? _partials;

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

    /// <summary>
    /// Whether a columnar route may send <see cref="Operators.Aggregation.PartialAggregates"/> payloads instead of
    /// records: only for a caller that passes <see cref="PartialsOf"/> on to the key groups.
    /// </summary>
    public bool TakesPartials { get; init; }

    /// <summary>Every key group with records or partial aggregates (a group with only partials has no records).</summary>
    public IReadOnlyDictionary<int, List<KeyedRecord>> Groups => _groups;

    /// <summary>Sends <paramref name="keyGroup"/> one payload of partial aggregates.</summary>
    public void AddPartials(int keyGroup, byte[] partials)
    {
        if (!TakesPartials)
        {
            throw new InvalidOperationException("this router's caller sends records only");
        }
        if (!_groups.ContainsKey(keyGroup))
        {
            _groups[keyGroup] = [];
        }
        if (!(_partials ??= []).TryAdd(keyGroup, partials))
        {
            throw new InvalidOperationException($"key group {keyGroup} already has partial aggregates from this route: a route sends one payload per key group");
        }
    }

    /// <summary>The partial aggregates for <paramref name="keyGroup"/>, if any.</summary>
    public byte[]? PartialsOf(int keyGroup) => _partials?.GetValueOrDefault(keyGroup);
}
