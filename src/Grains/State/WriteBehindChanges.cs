using System.Runtime.InteropServices;
using Sluice.Operators;

namespace Sluice.State;

/// <summary>
/// Committed changes a store has not written to its database yet: the latest committed value of each key changed since
/// the last write (null: removed). A key a group updates in every batch then reaches the database once per write,
/// not once per commit, and a key put and removed between two writes (a window that opens and closes) never reaches it.
/// The checkpoint's changelogs are the durable record either way; the database is a working copy rebuilt from them on
/// every open. Keys and values are kept as the overlay handed them over, not copied.
/// </summary>
internal sealed class WriteBehindChanges
{
    // Dictionary entry, the struct it holds and two array headers (a rough figure for the memory budget).
    private const long EntryOverhead = 32 + 16 + 24 + 24;

    private readonly Dictionary<byte[], Change> _changes = new(ByteKeyComparer.Instance);
    // Changes walked by prefix scans since the last clear (each walks them all).
    private long _scanned;
    // A write failed part way since the last clear: any held key may be in the database.
    private bool _partlyWritten;

    /// <summary>A key's latest committed value, and whether the database may hold an older one (then a remove must reach it).</summary>
    private record struct Change(byte[]? Value, bool InDatabase);

    public int Count => _changes.Count;

    /// <summary>Memory the changes hold: keys, values and a per-entry overhead.</summary>
    public long Bytes { get; private set; }

    /// <summary>The key's committed value if it changed since the last write: its value, or null when removed.</summary>
    public bool TryGet(byte[] key, out byte[]? value)
    {
        if (_changes.TryGetValue(key, out var change))
        {
            value = change.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>
    /// Takes a committed version's changes (entries <see cref="VersionChanges.Collect"/> resolved, of which only those
    /// <see cref="VersionChanges.IsChange"/> selects count) over the ones held. Returns the change in <see cref="Bytes"/>.
    /// </summary>
    /// <param name="inDatabase">Whether the database holds a key (read, not assumed): asked before a remove is dropped
    /// as the end of a key put since the last write, because a put's "not committed" length may be an operator's claim
    /// (<see cref="IStateStore.Change(byte[], byte[], int)"/>), and a claim wrong for a key the database holds would let its old value
    /// come back once the remove is dropped.</param>
    public long Add(ReadOnlySpan<SortedEntries.Entry> entries, Func<byte[], bool> inDatabase)
    {
        var before = Bytes;
        foreach (var entry in entries)
        {
            if (!VersionChanges.IsChange(entry))
            {
                continue;
            }
            ref var change = ref CollectionsMarshal.GetValueRefOrAddDefault(_changes, entry.Key, out var held);
            if (held)
            {
                Bytes -= change.Value?.Length ?? 0;
            }
            else
            {
                // Committed and not held here: the database has it.
                change.InDatabase = entry.CommittedLength >= 0;
                Bytes += entry.Key.Length + EntryOverhead;
            }
            if (entry.Value is null && !change.InDatabase && !_partlyWritten && !inDatabase(entry.Key))
            {
                // Put and removed since the last write, and not in the database: nothing to write.
                _changes.Remove(entry.Key);
                Bytes -= entry.Key.Length + EntryOverhead;
                continue;
            }
            change.Value = entry.Value;
            Bytes += entry.Value?.Length ?? 0;
        }
        return Bytes - before;
    }

    /// <summary>
    /// Whether prefix scans walked the changes several times over since the last write: a few scans a batch (an
    /// aggregation closing a window or two) are cheaper than writing, many (windows closing by store scans) are not.
    /// </summary>
    public bool ScannedOften => _scanned > (4L * _changes.Count) + 1024;

    /// <summary>The held changes of keys starting with <paramref name="prefix"/>, ascending (a copy: later changes do not show).</summary>
    public KeyValuePair<byte[], byte[]?>[] CopyRange(ReadOnlySpan<byte> prefix)
    {
        _scanned += _changes.Count;
        var range = new List<KeyValuePair<byte[], byte[]?>>();
        foreach (var (key, change) in _changes)
        {
            if (key.AsSpan().StartsWith(prefix))
            {
                range.Add(new(key, change.Value));
            }
        }
        var sorted = range.ToArray();
        Array.Sort(sorted, static (x, y) => StateKeys.Comparer.Compare(x.Key, y.Key));
        return sorted;
    }

    /// <summary>Every held change in key order (null value: remove), for writing them all; <see cref="Clear"/> after the write.</summary>
    public SortedEntries.Entry[] Sorted()
    {
        var entries = new SortedEntries.Entry[_changes.Count];
        var i = 0;
        foreach (var (key, change) in _changes)
        {
            entries[i++] = new SortedEntries.Entry(key, change.Value);
        }
        KeyPrefixSort.Sort(entries);
        return entries;
    }

    /// <summary>Forgets the changes of keys starting with <paramref name="prefix"/> (removed whole in the database); returns the bytes they held.</summary>
    public long RemovePrefix(ReadOnlySpan<byte> prefix)
    {
        var before = Bytes;
        foreach (var (key, change) in _changes)
        {
            if (key.AsSpan().StartsWith(prefix))
            {
                _changes.Remove(key);
                Bytes -= key.Length + EntryOverhead + (change.Value?.Length ?? 0);
            }
        }
        return before - Bytes;
    }

    /// <summary>
    /// A write of the changes failed part way: they stay held, but some may be in the database now, so until the next
    /// <see cref="Clear"/> a remove is held (and written) even for a key put since the last write.
    /// </summary>
    public void WriteFailed() => _partlyWritten = true;

    /// <summary>Forgets every change; returns the bytes they held.</summary>
    public long Clear()
    {
        var bytes = Bytes;
        _changes.Clear();
        Bytes = 0;
        _scanned = 0;
        _partlyWritten = false;
        return bytes;
    }
}
