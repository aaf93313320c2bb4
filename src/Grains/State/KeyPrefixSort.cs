using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.State;

/// <summary>
/// Sorts entries by unsigned key bytes, comparing 8-byte integers instead of byte spans: past the prefix every key of a
/// run shares (an aggregation's keys share their operator, column and window bytes: 22 of W1's 28), 7 key bytes and
/// the remaining length make one <see cref="ulong"/> whose order is the keys' order, so a primitive sort of those does
/// the work; runs that tie on them (longer shared prefixes, e.g. two windows' keys) are sorted the same way from their
/// own shared prefix on. A commit sorts every changed key of a batch (RocksDB inserts keys in order much faster), which
/// cost about 4% of W1's CPU as a sort with a byte-span comparison.
/// </summary>
internal static class KeyPrefixSort
{
    // Below this, a comparison sort of the keys themselves is cheaper than building integers.
    private const int SmallRun = 24;

    // From this many entries on, a radix sort of the integers beats a comparison sort.
    private const int RadixRun = 256;

    private static readonly Comparison<SortedEntries.Entry> ByKey = static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key);

    /// <summary>Sorts <paramref name="entries"/> (distinct keys) ascending by key.</summary>
    public static void Sort(Span<SortedEntries.Entry> entries)
    {
        if (entries.Length < SmallRun)
        {
            entries.Sort(ByKey);
            return;
        }
        var scratch = ArrayPool<ulong>.Shared.Rent(entries.Length);
        try
        {
            SortRun(entries, scratch.AsSpan(0, entries.Length));
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    private static void SortRun(Span<SortedEntries.Entry> entries, Span<ulong> prefixes)
    {
        if (entries.Length < SmallRun)
        {
            entries.Sort(ByKey);
            return;
        }
        var first = entries[0].Key.AsSpan();
        var shared = first.Length;
        for (var i = 1; i < entries.Length && shared > 0; i++)
        {
            shared = Math.Min(shared, first[..shared].CommonPrefixLength(entries[i].Key));
        }
        for (var i = 0; i < entries.Length; i++)
        {
            prefixes[i] = Prefix(entries[i].Key, shared);
        }
        if (entries.Length < RadixRun)
        {
            prefixes.Sort(entries);
        }
        else
        {
            RadixSort(prefixes, entries);
        }
        // Runs of equal integers: keys with the same 7 bytes after the shared prefix and 8 or more bytes left.
        for (var start = 0; start < entries.Length;)
        {
            var end = start + 1;
            while (end < entries.Length && prefixes[end] == prefixes[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                // Their shared prefix is at least 7 bytes longer than this run's, so this ends.
                SortRun(entries[start..end], prefixes[start..end]);
            }
            start = end;
        }
    }

    /// <summary>
    /// Sorts the integers and their entries together by a least-significant-digit radix sort over the integers' bytes,
    /// skipping bytes every integer shares (most of them: a run's integers differ in a few key bytes). It moves integers
    /// and indexes, never references (a reference store pays the GC's write barrier), and the entries once at the end.
    /// A comparison sort of the pairs mispredicted about every other comparison: 20% of a W1 commit.
    /// </summary>
    private static void RadixSort(Span<ulong> keys, Span<SortedEntries.Entry> entries)
    {
        var n = keys.Length;
        Span<int> counts = stackalloc int[8 * 256];
        counts.Clear();
        foreach (var key in keys)
        {
            for (var b = 0; b < 8; b++)
            {
                counts[(b << 8) | (int)((key >> (b << 3)) & 0xFF)]++;
            }
        }
        var keysB = ArrayPool<ulong>.Shared.Rent(n);
        var indexA = ArrayPool<int>.Shared.Rent(n);
        var indexB = ArrayPool<int>.Shared.Rent(n);
        var moved = ArrayPool<SortedEntries.Entry>.Shared.Rent(n);
        try
        {
            var srcKeys = keys;
            var dstKeys = keysB.AsSpan(0, n);
            var srcIndex = indexA.AsSpan(0, n);
            var dstIndex = indexB.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                srcIndex[i] = i;
            }
            Span<int> offsets = stackalloc int[256];
            for (var b = 0; b < 8; b++)
            {
                var digit = counts.Slice(b << 8, 256);
                var shift = b << 3;
                if (digit[(int)((srcKeys[0] >> shift) & 0xFF)] == n)
                {
                    continue;
                }
                var sum = 0;
                for (var d = 0; d < 256; d++)
                {
                    offsets[d] = sum;
                    sum += digit[d];
                }
                for (var i = 0; i < n; i++)
                {
                    var key = srcKeys[i];
                    var at = offsets[(int)((key >> shift) & 0xFF)]++;
                    dstKeys[at] = key;
                    dstIndex[at] = srcIndex[i];
                }
                var keysWritten = dstKeys;
                dstKeys = srcKeys;
                srcKeys = keysWritten;
                var indexWritten = dstIndex;
                dstIndex = srcIndex;
                srcIndex = indexWritten;
            }
            if (srcKeys != keys)
            {
                srcKeys.CopyTo(keys);
            }
            var order = moved.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                order[i] = entries[srcIndex[i]];
            }
            order.CopyTo(entries);
            order.Clear();
        }
        finally
        {
            ArrayPool<SortedEntries.Entry>.Shared.Return(moved);
            ArrayPool<int>.Shared.Return(indexB);
            ArrayPool<int>.Shared.Return(indexA);
            ArrayPool<ulong>.Shared.Return(keysB);
        }
    }

    /// <summary>
    /// The key's 7 bytes from <paramref name="offset"/> on (big-endian, zero-padded), then how many bytes it has from
    /// there, capped at 8: a key that ends sorts before a longer key with the same bytes, and two keys tie only when
    /// both go on past these 7 bytes.
    /// </summary>
    internal static ulong Prefix(ReadOnlySpan<byte> key, int offset)
    {
        var rest = key[offset..];
        if (rest.Length >= 8)
        {
            // The common case (a W1 key has 6 to 9 bytes past a one-window run's shared prefix): one load, no padding.
            return (BinaryPrimitives.ReadUInt64BigEndian(rest) & ~0xFFUL) | 8;
        }
        Span<byte> bytes = stackalloc byte[8];
        bytes.Clear();
        rest[..Math.Min(rest.Length, 7)].CopyTo(bytes);
        bytes[7] = (byte)Math.Min(rest.Length, 8);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
