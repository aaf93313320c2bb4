namespace Sluice.State;

/// <summary>
/// A working version's net effect on the committed state: the puts, the removes of keys that existed (removing an
/// absent key changes nothing and is not written), and the store's row and byte totals after it.
/// </summary>
internal sealed class VersionChanges
{
    private VersionChanges(List<KeyValuePair<byte[], byte[]?>> changes) => Changes = changes;

    /// <summary>In key order; a null value is a remove.</summary>
    public List<KeyValuePair<byte[], byte[]?>> Changes { get; }

    public long RowsUpdated { get; private set; }

    public long RowsRemoved { get; private set; }

    public long RowsTotal { get; private set; }

    /// <summary>Key and value bytes of the store after the version.</summary>
    public long BytesTotal { get; private set; }

    /// <summary>Size of the changelog that <see cref="WriteDelta"/> produces.</summary>
    public long DeltaLength { get; private set; } = StateFileWriter.HeaderLength + StateFileWriter.TrailerLength;

    /// <param name="committedValueLength">Length of the committed value of a key; -1 when the key is not committed.</param>
    public static VersionChanges Collect(SortedEntries overlay, Func<byte[], int> committedValueLength, long rowsTotal, long bytesTotal)
    {
        var result = new VersionChanges(new List<KeyValuePair<byte[], byte[]?>>(overlay.Count)) { RowsTotal = rowsTotal, BytesTotal = bytesTotal };
        foreach (var entry in overlay.Range([]))
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
                result.DeltaLength += StateFileWriter.RemoveLength(entry.Key.Length);
            }
            else
            {
                result.RowsUpdated++;
                result.RowsTotal += committed < 0 ? 1 : 0;
                result.BytesTotal += entry.Value.Length - (committed < 0 ? -entry.Key.Length : committed);
                result.DeltaLength += StateFileWriter.PutLength(entry.Key.Length, entry.Value.Length);
            }
            result.Changes.Add(new(entry.Key, entry.Value));
        }
        return result;
    }

    public ReadOnlyMemory<byte> WriteDelta(long version)
    {
        var delta = new StateFileWriter(StateFileKind.Delta, version, DeltaLength);
        foreach (var (key, value) in Changes)
        {
            if (value is null)
            {
                delta.Remove(key);
            }
            else
            {
                delta.Put(key, value);
            }
        }
        return delta.Finish(RowsTotal, BytesTotal);
    }
}
