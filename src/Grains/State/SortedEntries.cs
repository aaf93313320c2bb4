namespace Sluice.State;

/// <summary>
/// Entries sorted by unsigned key bytes, with point lookups and prefix ranges. A null value is a tombstone (the working
/// overlay's removes). Keys and values are kept as given, not copied: callers hand over arrays they no longer change.
/// </summary>
internal sealed class SortedEntries
{
    private readonly SortedSet<Entry> _set = new(EntryComparer.Instance);
    private readonly Entry _probe = new([], null);

    public int Count => _set.Count;

    /// <summary>Key and value bytes held, for memory estimates.</summary>
    public long PayloadBytes { get; private set; }

    public bool TryGet(byte[] key, out byte[]? value)
    {
        _probe.Key = key;
        var found = _set.TryGetValue(_probe, out var entry);
        _probe.Key = [];
        value = entry?.Value;
        return found;
    }

    /// <param name="committedLength">For a key new to these entries: its committed value's length when the caller
    /// knows it (-1: not committed), so a commit need not look it up again; <see cref="Entry.UnknownLength"/> otherwise.</param>
    public void Set(byte[] key, byte[]? value, int committedLength = Entry.UnknownLength)
    {
        // Add first: most keys a batch sets are new to its overlay (a stored join row, a group's first change), and an
        // add that finds the key costs one search more than a lookup first would, where a lookup first costs every new
        // key a whole search of the tree more.
        var added = new Entry(key, value) { CommittedLength = committedLength };
        if (_set.Add(added))
        {
            PayloadBytes += key.Length + (value?.Length ?? 0);
            return;
        }
        _probe.Key = key;
        _set.TryGetValue(_probe, out var entry);
        _probe.Key = [];
        PayloadBytes += (value?.Length ?? 0) - (entry!.Value?.Length ?? 0);
        entry.Value = value;
    }

    public void Delete(byte[] key)
    {
        _probe.Key = key;
        if (_set.TryGetValue(_probe, out var entry))
        {
            _set.Remove(entry);
            PayloadBytes -= key.Length + (entry.Value?.Length ?? 0);
        }
        _probe.Key = [];
    }

    /// <summary>Deletes every entry whose key starts with <paramref name="prefix"/>.</summary>
    public void DeletePrefix(byte[] prefix)
    {
        foreach (var entry in Range(prefix).ToList())
        {
            Delete(entry.Key);
        }
    }

    public void Clear()
    {
        _set.Clear();
        PayloadBytes = 0;
    }

    /// <summary>Live view of the entries whose key starts with <paramref name="prefix"/>, ascending; do not change the set while enumerating it.</summary>
    public IEnumerable<Entry> Range(byte[] prefix)
    {
        if (prefix.Length == 0 || _set.Count == 0)
        {
            return _set;
        }
        var lower = new Entry(prefix, null);
        var upperKey = StateKeys.PrefixUpperBound(prefix);
        var upper = upperKey is null ? _set.Max! : new Entry(upperKey, null);
        var comparer = EntryComparer.Instance;
        if (comparer.Compare(lower, upper) > 0 || comparer.Compare(lower, _set.Max) > 0 || comparer.Compare(upper, _set.Min) < 0)
        {
            return [];
        }
        // The view is inclusive of the bound; the bound itself does not start with the prefix.
        return _set.GetViewBetween(lower, upper).Where(e => e.Key.AsSpan().StartsWith(prefix));
    }

    /// <summary>A copy of <see cref="Range"/>: later changes to the set do not show in it.</summary>
    public KeyValuePair<byte[], byte[]?>[] CopyRange(byte[] prefix) =>
        [.. Range(prefix).Select(static e => new KeyValuePair<byte[], byte[]?>(e.Key, e.Value))];

    /// <summary>A key and its value (null: removed in the working version).</summary>
    internal sealed class Entry(byte[] key, byte[]? value)
    {
        public byte[] Key { get; set; } = key;

        public const int UnknownLength = -2;

        public byte[]? Value { get; set; } = value;

        /// <summary>The length of the key's committed value when known (-1: not committed), else <see cref="UnknownLength"/>.</summary>
        public int CommittedLength { get; set; } = UnknownLength;

        /// <summary>Bytes the value keeps from the committed value, as the operator that put it said (none by default).</summary>
        public KeptBytes Kept { get; set; }
    }

    private sealed class EntryComparer : IComparer<Entry>
    {
        public static readonly EntryComparer Instance = new();

        public int Compare(Entry? x, Entry? y) => x!.Key.AsSpan().SequenceCompareTo(y!.Key);
    }
}
