using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// The decoded values of key tails (what follows a key's window in its bytes), each decoded once and shared by every
/// key that ends in the same bytes: a windowed aggregation's new window brings its groups' keys again (the same users
/// or products in a new window), and decoding each loaded key into new strings was the largest allocation of the
/// window grain's <c>Finish</c> (see BENCHMARKS.md). Decoding is a pure function of the bytes, so a shared array gives
/// the values a fresh decode would; callers copy them out and never change the array.
/// At most <see cref="MaxTails"/> tails are kept: the table empties when full and fills again from the keys loaded next.
/// </summary>
internal sealed class KeyTails
{
    /// <summary>Tails kept at most (a key group's distinct keys per window, for the workloads measured, are far fewer).</summary>
    public const int MaxTails = 65_536;

    private readonly SlotIndex _index = new();
    private object?[][] _values = new object?[256][];

    /// <summary>Tails held.</summary>
    public int Count => _index.Count;

    /// <summary><see cref="RowCodec.Decode"/> of <paramref name="tail"/>: an array shared with every caller of the same bytes; do not change it.</summary>
    public object?[] Decode(ReadOnlySpan<byte> tail)
    {
        var hash = SlotIndex.Hash(tail);
        var slot = _index.Find(tail, hash);
        if (slot >= 0)
        {
            return _values[slot];
        }
        if (_index.Count == MaxTails)
        {
            _index.Clear();
            Array.Clear(_values);
        }
        slot = _index.Count;
        if (slot == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }
        var values = RowCodec.Decode(tail);
        _index.Add(tail.ToArray(), hash, slot);
        _values[slot] = values;
        return values;
    }
}
