namespace Sluice.State;

/// <summary>
/// A working version's net effect on the committed state: the puts, the removes of keys that existed (removing an
/// absent key changes nothing and is not written), the store's row and byte totals after it, and its changelog.
/// One pass over the overlay does it all: the changelog is written as the changes are counted, into a pooled buffer
/// sized once from the overlay (an upper bound), so a commit neither walks the overlay twice nor allocates the file.
/// </summary>
internal sealed class VersionChanges
{
    private readonly StateFileWriter _delta;

    private VersionChanges(List<KeyValuePair<byte[], byte[]?>> changes, StateFileWriter delta)
    {
        Changes = changes;
        _delta = delta;
    }

    /// <summary>In key order; a null value is a remove.</summary>
    public List<KeyValuePair<byte[], byte[]?>> Changes { get; }

    public long RowsUpdated { get; private set; }

    public long RowsRemoved { get; private set; }

    public long RowsTotal { get; private set; }

    /// <summary>Key and value bytes of the store after the version.</summary>
    public long BytesTotal { get; private set; }

    /// <summary>The version's changelog file; valid until <see cref="ReleaseDelta"/>.</summary>
    public ReadOnlyMemory<byte> Delta { get; private set; }

    /// <param name="committedValueLength">Length of the committed value of a key; -1 when the key is not committed.</param>
    /// <param name="changes">An empty list to fill (the store reuses one across commits).</param>
    public static VersionChanges Collect(OverlayEntries overlay, Func<byte[], int> committedValueLength, long rowsTotal, long bytesTotal,
        long version, List<KeyValuePair<byte[], byte[]?>> changes)
    {
        // A put takes 9 bytes besides its key and value, a remove 5 besides its key: this bounds the file.
        var bound = StateFileWriter.HeaderLength + StateFileWriter.TrailerLength + overlay.PayloadBytes + (9L * overlay.Count);
        var delta = new StateFileWriter(StateFileKind.Delta, version, bound, pooled: true);
        var result = new VersionChanges(changes, delta) { RowsTotal = rowsTotal, BytesTotal = bytesTotal };
        foreach (var entry in overlay.Sorted())
        {
            var committed = entry.CommittedLength != SortedEntries.Entry.UnknownLength ? entry.CommittedLength : committedValueLength(entry.Key);
            if (entry.Value is null)
            {
                if (committed < 0)
                {
                    continue;
                }
                result.RowsRemoved++;
                result.RowsTotal--;
                result.BytesTotal -= entry.Key.Length + committed;
                delta.Remove(entry.Key);
            }
            else
            {
                result.RowsUpdated++;
                result.RowsTotal += committed < 0 ? 1 : 0;
                result.BytesTotal += entry.Value.Length - (committed < 0 ? -entry.Key.Length : committed);
                delta.Put(entry.Key, entry.Value);
            }
            changes.Add(new(entry.Key, entry.Value));
        }
        result.Delta = delta.Finish(result.RowsTotal, result.BytesTotal);
        return result;
    }

    /// <summary>Gives the changelog's buffer back to the pool once it is written (never after a failed write).</summary>
    public void ReleaseDelta()
    {
        Delta = default;
        _delta.Release();
    }
}
