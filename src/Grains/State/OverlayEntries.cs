using System.Runtime.InteropServices;
using Sluice.Operators;

namespace Sluice.State;

/// <summary>
/// The working version's changes: a hash map for the point reads and writes operators make per key, and the key order
/// built only when something iterates. A sorted set paid a tree descent and a byte comparison per level on every put;
/// here a put is a hash probe, and the commit sorts once (<see cref="KeyPrefixSort"/>). A prefix scan of keys not yet in order walks them all, which
/// pays for a few scans (an aggregation closing a window or two); an operator that interleaves many scans with new keys
/// (session windows, a join past its cache) would make that quadratic, so once scans have walked several times the
/// entries held, the rest of the version keeps them in a sorted set as before. A null value is a tombstone. Keys and
/// values are kept as given. A version's entry objects are reused by the next versions' new keys (as many as it used,
/// up to <see cref="MaxPooledEntries"/>), emptied when their version ends: a batch changes about as many keys as the last.
/// </summary>
internal sealed class OverlayEntries
{
    private static readonly Comparison<SortedEntries.Entry> ByKey = static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key);

    private readonly Dictionary<byte[], SortedEntries.Entry> _map = new(ByteKeyComparer.Instance);
    // Every entry of the map; the first _sortedCount in key order, the rest in the order they were added.
    private readonly List<SortedEntries.Entry> _entries = [];
    private int _sortedCount;
    // Entries walked by prefix scans of unsorted keys since the last clear; past a few times Count, the sorted set.
    private long _scanned;
    private SortedSet<SortedEntries.Entry>? _tree;
    // Entries of ended versions, holding no key or value, for the next versions' new keys.
    private readonly Stack<SortedEntries.Entry> _free = new();

    /// <summary>
    /// Entry objects a store keeps between versions at most (40 bytes each, 2.5 MiB): a version changing more keys
    /// allocates the rest, as every version did before. A store keeps no more than its last version used, so one large
    /// version does not hold memory for the small ones after it.
    /// </summary>
    public const int MaxPooledEntries = 65_536;

    public int Count => _map.Count;

    /// <summary>Emptied entries kept for the next versions' new keys.</summary>
    internal int PooledEntries => _free.Count;

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
    /// <param name="kept">Bytes the value keeps from the committed value (<see cref="KeptBytes"/>); replaces what an earlier set of the key said.</param>
    public void Set(byte[] key, byte[]? value, int committedLength, KeptBytes kept = default)
    {
        // One hash and probe for both cases (a lookup, then an add, hashed every new key twice).
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out var exists);
        if (exists)
        {
            var held = slot!;
            PayloadBytes += (value?.Length ?? 0) - (held.Value?.Length ?? 0);
            held.Value = value;
            held.Kept = kept;
            return;
        }
        var entry = NewEntry(key, value, committedLength);
        entry.Kept = kept;
        slot = entry;
        _entries.Add(entry);
        _tree?.Add(entry);
        PayloadBytes += key.Length + (value?.Length ?? 0);
    }

    /// <summary>Ends the version (committed or aborted): its entries are emptied and pooled, so none can show again.</summary>
    public void Clear()
    {
        var keep = Math.Min(_entries.Count, MaxPooledEntries);
        while (_free.Count > keep)
        {
            _free.Pop();
        }
        foreach (var entry in _entries)
        {
            entry.Key = [];
            entry.Value = null;
            entry.CommittedLength = SortedEntries.Entry.UnknownLength;
            entry.Kept = default;
            if (_free.Count < keep)
            {
                _free.Push(entry);
            }
        }
        _map.Clear();
        _entries.Clear();
        _sortedCount = 0;
        _scanned = 0;
        _tree = null;
        PayloadBytes = 0;
    }

    /// <summary>Drops the entries whose key starts with <paramref name="prefix"/> (a prefix removed whole supersedes them).</summary>
    public void RemovePrefix(byte[] prefix)
    {
        var kept = 0;
        var sortedKept = 0;
        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.Key.AsSpan().StartsWith(prefix))
            {
                _map.Remove(entry.Key);
                _tree?.Remove(entry);
                PayloadBytes -= entry.Key.Length + (entry.Value?.Length ?? 0);
                continue;
            }
            // Dropping entries keeps the others' order, so the sorted run stays sorted.
            sortedKept += i < _sortedCount ? 1 : 0;
            _entries[kept++] = entry;
        }
        _entries.RemoveRange(kept, _entries.Count - kept);
        _sortedCount = sortedKept;
    }

    private SortedEntries.Entry NewEntry(byte[] key, byte[]? value, int committedLength)
    {
        if (!_free.TryPop(out var entry))
        {
            return new SortedEntries.Entry(key, value) { CommittedLength = committedLength };
        }
        entry.Key = key;
        entry.Value = value;
        entry.CommittedLength = committedLength;
        return entry;
    }

    /// <summary>Every entry in key order; valid until the next <see cref="Set"/> of a new key or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<SortedEntries.Entry> Sorted()
    {
        if (_tree is not null && _sortedCount != _entries.Count)
        {
            _entries.Clear();
            _entries.AddRange(_tree);
            _sortedCount = _entries.Count;
        }
        Sort();
        return CollectionsMarshal.AsSpan(_entries);
    }

    /// <summary>Every entry, in no particular order; valid until the next <see cref="Set"/> of a new key or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<SortedEntries.Entry> InAnyOrder() => CollectionsMarshal.AsSpan(_entries);

    /// <summary>A copy of the entries whose key starts with <paramref name="prefix"/>, ascending: later changes do not show in it.</summary>
    public KeyValuePair<byte[], byte[]?>[] CopyRange(byte[] prefix)
    {
        if (prefix.Length > 0 && _tree is not null)
        {
            return [.. TreeRange(_tree, prefix).Select(static e => new KeyValuePair<byte[], byte[]?>(e.Key, e.Value))];
        }
        if (prefix.Length > 0 && _sortedCount != _entries.Count)
        {
            _scanned += _entries.Count;
            if (_scanned <= (4L * _entries.Count) + 1024)
            {
                return ScanRange(prefix);
            }
            _tree = new SortedSet<SortedEntries.Entry>(_entries, Comparer<SortedEntries.Entry>.Create(ByKey));
            return CopyRange(prefix);
        }
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

    /// <summary>The entries with the prefix, found by walking them all (they are not in order), sorted.</summary>
    private KeyValuePair<byte[], byte[]?>[] ScanRange(byte[] prefix)
    {
        var matches = new List<SortedEntries.Entry>();
        foreach (var entry in _entries)
        {
            if (entry.Key.AsSpan().StartsWith(prefix))
            {
                matches.Add(entry);
            }
        }
        matches.Sort(ByKey);
        var copy = new KeyValuePair<byte[], byte[]?>[matches.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = new(matches[i].Key, matches[i].Value);
        }
        return copy;
    }

    /// <summary>The set's entries with the prefix, as <see cref="SortedEntries.Range"/> finds them.</summary>
    private static IEnumerable<SortedEntries.Entry> TreeRange(SortedSet<SortedEntries.Entry> tree, byte[] prefix)
    {
        if (tree.Count == 0)
        {
            return [];
        }
        var lower = new SortedEntries.Entry(prefix, null);
        var upperKey = StateKeys.PrefixUpperBound(prefix);
        var upper = upperKey is null ? tree.Max! : new SortedEntries.Entry(upperKey, null);
        var comparer = tree.Comparer;
        if (comparer.Compare(lower, upper) > 0 || comparer.Compare(lower, tree.Max) > 0 || comparer.Compare(upper, tree.Min) < 0)
        {
            return [];
        }
        // The view is inclusive of the bound; the bound itself does not start with the prefix.
        return tree.GetViewBetween(lower, upper).Where(e => e.Key.AsSpan().StartsWith(prefix));
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
        var span = CollectionsMarshal.AsSpan(_entries);
        if (_sortedCount == 0 || total - _sortedCount > _sortedCount)
        {
            // Mostly new keys (a batch's first iteration, usually its commit): one sort of all.
            KeyPrefixSort.Sort(span);
        }
        else
        {
            KeyPrefixSort.Sort(span[_sortedCount..]);
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
