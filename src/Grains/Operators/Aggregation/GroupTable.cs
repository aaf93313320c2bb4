using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// An open-addressing hash table (linear probing) from a fixed-width key of longs to a dense group number, numbered in
/// the order groups are first seen. A columnar route keeps one per agent and reuses its arrays from batch to batch, so
/// grouping a warm batch allocates nothing; keys are typed lanes (dictionary codes, longs, double bits, a null mask),
/// never encoded bytes.
/// </summary>
internal sealed class GroupTable
{
    private long[] _keys = [];
    private int[] _hashes = [];
    private int[] _slots = new int[64];
    private int _width;

    /// <summary>Groups so far, numbered 0 to Count - 1 in the order they were added.</summary>
    public int Count { get; private set; }

    /// <summary>Empties the table for keys of <paramref name="width"/> longs.</summary>
    public void Reset(int width)
    {
        _width = width;
        Count = 0;
        Array.Clear(_slots);
    }

    /// <summary>The key of <paramref name="group"/>.</summary>
    public ReadOnlySpan<long> KeyOf(int group) => _keys.AsSpan(group * _width, _width);

    /// <summary>The group of <paramref name="key"/>, added (numbered <see cref="Count"/> - 1) when new.</summary>
    public int FindOrAdd(ReadOnlySpan<long> key, out bool added)
    {
        var hash = Hash(key);
        var mask = _slots.Length - 1;
        for (var slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                added = true;
                return Add(key, hash, slot);
            }
            var group = entry - 1;
            if (_hashes[group] == hash && key.SequenceEqual(_keys.AsSpan(group * _width, _width)))
            {
                added = false;
                return group;
            }
        }
    }

    // Once per new group and without a loop: optimized at once, as PartialAggregatesWriter.Add.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Add(ReadOnlySpan<long> key, int hash, int slot)
    {
        var group = Count++;
        if (group == _hashes.Length)
        {
            Array.Resize(ref _hashes, Math.Max(256, group * 2));
        }
        if (_keys.Length < _hashes.Length * _width)
        {
            Array.Resize(ref _keys, _hashes.Length * _width);
        }
        _hashes[group] = hash;
        key.CopyTo(_keys.AsSpan(group * _width));
        _slots[slot] = group + 1;
        if (Count * 2 > _slots.Length)
        {
            Grow();
        }
        return group;
    }

    /// <summary>Doubles the slots, placing every group again by its kept hash.</summary>
    private void Grow()
    {
        _slots = new int[_slots.Length * 2];
        var mask = _slots.Length - 1;
        for (var group = 0; group < Count; group++)
        {
            var slot = _hashes[group] & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            _slots[slot] = group + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<long> key)
    {
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var lane in key)
        {
            h = BitOperations.RotateLeft((h ^ (ulong)lane) * 0xBF58476D1CE4E5B9UL, 31);
        }
        h ^= h >> 29;
        h *= 0x94D049BB133111EBUL;
        return (int)((h ^ (h >> 32)) & int.MaxValue);
    }
}
