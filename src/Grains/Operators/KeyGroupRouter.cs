using Sluice.Contracts;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>Collects an agent's keyed records (or partial aggregates) per destination key group, for one call per group per batch.</summary>
internal sealed class KeyGroupRouter(int keyGroups)
{
    private readonly Dictionary<int, List<KeyedRecord>> _groups = [];
    private Dictionary<int, ReadOnlyMemory<byte>>? _partials;
    private IPartialsLender? _lender;

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
    public void AddPartials(int keyGroup, ReadOnlyMemory<byte> partials) => AddPartials(keyGroup, partials, null);

    /// <summary>As <see cref="AddPartials(int, ReadOnlyMemory{byte})"/>, in <paramref name="lender"/>'s buffer, lent until <see cref="Delivered"/>.</summary>
    public void AddPartials(int keyGroup, ReadOnlyMemory<byte> partials, IPartialsLender? lender)
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
        _lender ??= lender;
    }

    /// <summary>The partial aggregates for <paramref name="keyGroup"/>, if any (valid until <see cref="Delivered"/>).</summary>
    public ReadOnlyMemory<byte>? PartialsOf(int keyGroup) =>
        _partials is not null && _partials.TryGetValue(keyGroup, out var partials) ? partials : (ReadOnlyMemory<byte>?)null;

    /// <summary>
    /// Every key group's call with this router's payloads returned: their pooled buffers go back to the route that lent
    /// them. Never called when a call failed or timed out (a key group might still read its payload later).
    /// </summary>
    public void Delivered()
    {
        _lender?.Release();
        _lender = null;
    }
}
