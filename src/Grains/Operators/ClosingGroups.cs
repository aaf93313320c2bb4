using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// When an aggregation's groups close (a watermark on a grouping key, append or update mode), kept per closing time
/// rather than per key, so eviction reads only the groups that close. Two forms, by where the key that closes sits:
/// <list type="bullet">
/// <item>First grouping key (<c>groupBy(window(...), ...)</c>, the usual case): per closing time, the distinct encoded
/// values of that key (one per window). <see cref="RowCodec"/> writes a key's values one after another, each
/// self-delimiting, so every stored key of a window starts with that window's bytes and the store's prefix scan finds
/// them: nothing is kept per key, and state larger than memory still closes.</item>
/// <item>A later key: per closing time, the list of its keys (an array reference per key beside the key's bytes, where
/// a sorted set of (time, key) pairs costs a tree node each).</item>
/// </list>
/// Rebuilt from the store when it opens (in the first form by decoding one key per window: keys of a window are
/// adjacent in the store's byte order) and kept in the <see cref="OperatorCache"/> between batches.
/// </summary>
internal sealed class ClosingGroups(bool byPrefix)
{
    private readonly SortedDictionary<long, List<byte[]>> _byTime = [];
    private readonly HashSet<byte[]> _prefixes = new(ByteKeyComparer.Instance);
    // Prefixes first seen by the current batch: the store had no key with them when it started.
    private readonly HashSet<byte[]> _fresh = new(ByteKeyComparer.Instance);

    /// <summary>Distinct closing times held.</summary>
    public int Times => _byTime.Count;

    /// <summary>Entries held: prefixes, or keys.</summary>
    public long Entries => _byTime.Values.Sum(l => (long)l.Count);

    /// <summary>The index of every group of <paramref name="store"/>, as <paramref name="closesAt"/> reads a decoded key (null: never closes).</summary>
    public static ClosingGroups Build(IStateStore store, bool byPrefix, Func<object?[], long?> closesAt)
    {
        var index = new ClosingGroups(byPrefix);
        byte[]? lastPrefix = null;
        foreach (var (key, _) in store.Iterate())
        {
            if (lastPrefix is not null && key.AsSpan().StartsWith(lastPrefix))
            {
                continue;
            }
            var values = RowCodec.Decode(key);
            if (byPrefix)
            {
                lastPrefix = PrefixOf(key, values);
            }
            if (closesAt(values) is { } time)
            {
                index.Add(time, key, values);
            }
        }
        return index;
    }

    /// <summary>
    /// Whether, by prefix, no group of the state starts with the key's first value: every stored group that closes has
    /// its prefix here until it closes, and closing removes all its groups. Always false for the per-key form.
    /// </summary>
    public bool IsNewPrefix(object?[] keyValues)
    {
        if (!byPrefix)
        {
            return false;
        }
        var prefix = RowCodec.EncodeScratch(keyValues.AsSpan(0, 1));
        // A batch writes each key once, so a prefix the batch added has only the keys it wrote before this one.
        return !_prefixes.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(prefix) || (_fresh.Count > 0 && _fresh.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(prefix));
    }

    /// <summary>Starts a batch: prefixes added from now on are new to it.</summary>
    public void BeginBatch() => _fresh.Clear();

    /// <summary>
    /// Adds a group new to the state, closing at <paramref name="closesAtMs"/>; returns its prefix (null for the
    /// per-key form), which every later key of the window starts with.
    /// </summary>
    public byte[]? Add(long closesAtMs, byte[] key, object?[] keyValues)
    {
        byte[] entry;
        if (byPrefix)
        {
            var lookup = _prefixes.GetAlternateLookup<ReadOnlySpan<byte>>();
            var prefix = RowCodec.EncodeScratch(keyValues.AsSpan(0, 1));
            if (lookup.TryGetValue(prefix, out var known))
            {
                return known;
            }
            entry = PrefixOf(key, keyValues);
            _prefixes.Add(entry);
            _fresh.Add(entry);
        }
        else
        {
            entry = key;
        }
        if (!_byTime.TryGetValue(closesAtMs, out var entries))
        {
            _byTime[closesAtMs] = entries = [];
        }
        entries.Add(entry);
        return byPrefix ? entry : null;
    }

    /// <summary>Whether entries are prefixes (the first grouping key closes), not whole keys.</summary>
    public bool ByPrefix => byPrefix;

    /// <summary>The closing times held (each of a group in the state).</summary>
    public IEnumerable<long> ClosingTimes => _byTime.Keys;

    /// <summary>
    /// Removes and returns the entries closing strictly before <paramref name="thresholdMs"/>, by closing time and then
    /// by bytes, so groups leave in the order of the store's keys within a closing time.
    /// </summary>
    public List<byte[]> TakeDue(long thresholdMs) => [.. TakeDueTimes(thresholdMs).SelectMany(static t => t.Entries)];

    /// <summary>As <see cref="TakeDue"/>, each closing time with its entries.</summary>
    public List<(long Time, List<byte[]> Entries)> TakeDueTimes(long thresholdMs)
    {
        var due = new List<(long, List<byte[]>)>();
        while (_byTime.Count > 0 && _byTime.First() is var (time, entries) && time < thresholdMs)
        {
            entries.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
            due.Add((time, entries));
            _byTime.Remove(time);
            if (byPrefix)
            {
                foreach (var prefix in entries)
                {
                    _prefixes.Remove(prefix);
                }
            }
        }
        return due;
    }

    /// <summary>
    /// The groups closing strictly before <paramref name="thresholdMs"/>, taken as <see cref="TakeDue"/> takes them: each
    /// key with the store's value when a prefix scan read it (null when the index holds whole keys), and whether the
    /// store removed it already (by prefix: the window's keys leave the store as one range, <see cref="IStateStore.TakePrefix"/>,
    /// once the enumeration ends); the caller removes the others.
    /// </summary>
    public IEnumerable<(byte[] Key, byte[]? Value, bool Removed)> TakeDueGroups(IStateStore store, long thresholdMs) => GroupsOf(store, TakeDue(thresholdMs));

    /// <summary>The stored groups of taken <paramref name="entries"/>, as <see cref="TakeDueGroups"/> gives them.</summary>
    public IEnumerable<(byte[] Key, byte[]? Value, bool Removed)> GroupsOf(IStateStore store, List<byte[]> entries)
    {
        foreach (var entry in entries)
        {
            if (!byPrefix)
            {
                yield return (entry, null, false);
                continue;
            }
            foreach (var (key, value) in store.TakePrefix(entry))
            {
                yield return (key, value, true);
            }
        }
    }

    /// <summary>The bytes of the key's first value: the prefix every key of the same first value starts with.</summary>
    private static byte[] PrefixOf(byte[] key, object?[] values)
    {
        var prefix = RowCodec.EncodeScratch(values.AsSpan(0, 1));
        if (!key.AsSpan().StartsWith(prefix))
        {
            throw new InvalidOperationException("A state key does not start with its first value's encoding; was it written by another codec?");
        }
        return key[..prefix.Length];
    }
}
