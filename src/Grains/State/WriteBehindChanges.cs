namespace Sluice.State;

/// <summary>
/// Committed changes a store has not written to its database yet: the latest committed value of each key changed since
/// the last write (null: removed). A key a group updates in every batch then reaches the database once per write,
/// not once per commit, and a key put and removed between two writes (a window that opens and closes) never reaches it.
/// The checkpoint's changelogs are the durable record either way; the database is a working copy rebuilt from them on
/// every open. Keys and values are kept as the overlay handed them over, not copied. The changes are held in the
/// overlay's own entries (<see cref="OverlayEntries.Held"/>), which stay in its map while held: one table for the working
/// changes and the held ones, so a key changed in every batch is one probe per batch, not one in each of two maps.
/// </summary>
internal sealed class WriteBehindChanges(OverlayEntries overlay)
{
    // The map's slot, the part of the entry object held past its version and two array headers (a rough figure for the memory budget).
    private const long EntryOverhead = 32 + 16 + 24 + 24;

    // Changes walked by prefix scans since the last clear (each walks them all).
    private long _scanned;
    // A write failed part way since the last clear: any held key may be in the database.
    private bool _partlyWritten;

    public int Count => overlay.Held.Length;

    /// <summary>Memory the changes hold: keys, values and a per-entry overhead.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// Takes a committed version's changes (entries <see cref="VersionChanges.Collect"/> resolved, of which only those
    /// <see cref="VersionChanges.IsChange"/> selects count) over the ones held: the entries are the overlay's working
    /// ones, held in place. Returns the change in <see cref="Bytes"/>.
    /// </summary>
    /// <param name="inDatabase">Whether the database holds a key (read, not assumed): asked before a remove is dropped
    /// as the end of a key put since the last write, because a put's "not committed" length may be an operator's claim
    /// (<see cref="IStateStore.Change"/>), and a claim wrong for a key the database holds would let its old value
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
            if (entry.IsHeld)
            {
                Bytes -= entry.HeldValue?.Length ?? 0;
            }
            else
            {
                // Committed and not held here: the database has it.
                entry.HeldInDatabase = entry.CommittedLength >= 0;
                overlay.Hold(entry);
                Bytes += entry.Key.Length + EntryOverhead;
            }
            if (entry.Value is null && !entry.HeldInDatabase && !_partlyWritten && !inDatabase(entry.Key))
            {
                // Put and removed since the last write, and not in the database: nothing to write.
                overlay.Unhold(entry);
                Bytes -= entry.Key.Length + EntryOverhead;
                continue;
            }
            entry.HeldValue = entry.Value;
            Bytes += entry.Value?.Length ?? 0;
        }
        return Bytes - before;
    }

    /// <summary>
    /// Whether prefix scans walked the changes several times over since the last write: a few scans a batch (an
    /// aggregation closing a window or two) are cheaper than writing, many (windows closing by store scans) are not.
    /// </summary>
    public bool ScannedOften => _scanned > (4L * Count) + 1024;

    /// <summary>The held changes of keys starting with <paramref name="prefix"/>, ascending (a copy: later changes do not show).</summary>
    public KeyValuePair<byte[], byte[]?>[] CopyRange(ReadOnlySpan<byte> prefix)
    {
        _scanned += Count;
        var range = new List<KeyValuePair<byte[], byte[]?>>();
        foreach (var entry in overlay.Held)
        {
            if (entry.Key.AsSpan().StartsWith(prefix))
            {
                range.Add(new(entry.Key, entry.HeldValue));
            }
        }
        var sorted = range.ToArray();
        Array.Sort(sorted, static (x, y) => StateKeys.Comparer.Compare(x.Key, y.Key));
        return sorted;
    }

    /// <summary>Every held change in key order (null value: remove), for writing them all; <see cref="Clear"/> after the write.</summary>
    public SortedEntries.Entry[] Sorted()
    {
        var held = overlay.Held;
        var entries = new SortedEntries.Entry[held.Length];
        for (var i = 0; i < held.Length; i++)
        {
            entries[i] = new SortedEntries.Entry(held[i].Key, held[i].HeldValue);
        }
        KeyPrefixSort.Sort(entries);
        return entries;
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
        overlay.UnholdAll();
        Bytes = 0;
        _scanned = 0;
        _partlyWritten = false;
        return bytes;
    }
}
