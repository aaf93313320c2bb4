using Sluice.Operators;

namespace Sluice.State;

/// <summary>
/// The working version's changes: a hash map for the point reads and writes operators make per key, and the key order
/// built only when something iterates (a commit, a prefix scan). A sorted set paid a tree descent and a byte comparison
/// per level on every put; here a put is a hash probe, and the order costs one sort of the keys added since the last
/// iteration, merged into the ones already in order. A null value is a tombstone. Keys and values are kept as given.
/// </summary>
internal sealed class OverlayEntries
{
    private static readonly Comparison<SortedEntries.Entry> ByKey = static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key);

    private readonly Dictionary<byte[], SortedEntries.Entry> _map = new(ByteKeyComparer.Instance);
    // Every entry of the map; the first _sortedCount in key order, the rest in the order they were added.
    private readonly List<SortedEntries.Entry> _entries = [];
    private int _sortedCount;

    public int Count => _map.Count;

    /// <summary>Key and value bytes held, for memory estimates and the changelog's size bound.</summary>
    public long PayloadBytes { get; private set; }

    public bool TryGet(byte[] key, out byte[]? value)
    {
        var found = _map.TryGetValue(key, out var entry);
        value = entry?.Value;
        return found;
    }

    /// <param name="committedLength">For a key new to the overlay: its committed value's length when the caller knows it
    /// (-1: not committed); <see cref="SortedEntries.Entry.UnknownLength"/> otherwise. Ignored for a key already held.</param>
    public void Set(byte[] key, byte[]? value, int committedLength)
    {
        if (_map.TryGetValue(key, out var entry))
        {
            PayloadBytes += (value?.Length ?? 0) - (entry.Value?.Length ?? 0);
            entry.Value = value;
            return;
        }
        entry = new SortedEntries.Entry(key, value) { CommittedLength = committedLength };
        _map.Add(key, entry);
        _entries.Add(entry);
        PayloadBytes += key.Length + (value?.Length ?? 0);
    }

    public void Clear()
    {
        _map.Clear();
        _entries.Clear();
        _sortedCount = 0;
        PayloadBytes = 0;
    }

    /// <summary>Every entry in key order; valid until the next <see cref="Set"/> of a new key or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<SortedEntries.Entry> Sorted()
    {
        Sort();
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries);
    }

    /// <summary>A copy of the entries whose key starts with <paramref name="prefix"/>, ascending: later changes do not show in it.</summary>
    public KeyValuePair<byte[], byte[]?>[] CopyRange(byte[] prefix)
    {
        var sorted = Sorted();
        var from = LowerBound(sorted, prefix);
        var to = from;
        while (to < sorted.Length && sorted[to].Key.AsSpan().StartsWith(prefix))
        {
            to++;
        }
        var copy = new KeyValuePair<byte[], byte[]?>[to - from];
        for (var i = from; i < to; i++)
        {
            copy[i - from] = new(sorted[i].Key, sorted[i].Value);
        }
        return copy;
    }

    private static int LowerBound(ReadOnlySpan<SortedEntries.Entry> sorted, byte[] key)
    {
        var (lo, hi) = (0, sorted.Length);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid].Key.AsSpan().SequenceCompareTo(key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Sorts the keys added since the last sort and merges them into the sorted run.</summary>
    private void Sort()
    {
        var total = _entries.Count;
        if (_sortedCount == total)
        {
            return;
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries);
        if (_sortedCount == 0 || total - _sortedCount > _sortedCount)
        {
            // Mostly new keys (a batch's first iteration, usually its commit): one sort of all.
            span.Sort(ByKey);
        }
        else
        {
            span[_sortedCount..].Sort(ByKey);
            if (ByKey(span[_sortedCount - 1], span[_sortedCount]) > 0)
            {
                var left = span[.._sortedCount].ToArray();
                var right = span[_sortedCount..];
                int i = 0, j = 0, k = 0;
                while (i < left.Length && j < right.Length)
                {
                    // Distinct keys: never equal.
                    span[k++] = ByKey(left[i], right[j]) < 0 ? left[i++] : right[j++];
                }
                while (i < left.Length)
                {
                    span[k++] = left[i++];
                }
                // The rest of the right run is already in place.
            }
        }
        _sortedCount = total;
    }
}
