namespace Sluice.State;

/// <summary>
/// A working version's net effect on the committed state: the puts, the removes of keys that existed (removing an
/// absent key changes nothing and is not written), the store's row and byte totals after it, and its changelog.
/// A put that keeps bytes of the committed value (<see cref="SortedEntries.Entry.Kept"/>) is written as a patch of it.
/// One pass over the overlay's entries (in key order when the store applies them so) writes the changelog as the changes are counted, into a pooled
/// buffer sized once from the overlay (an upper bound). It keeps no list of its own: each entry's committed length is
/// resolved in place, so the committed state is then applied from the same sorted entries (<see cref="IsChange"/>;
/// RocksDB inserts keys in order much faster than the same keys unordered).
/// </summary>
internal sealed class VersionChanges
{
    private readonly StateFileWriter _delta;

    private VersionChanges(StateFileWriter delta) => _delta = delta;

    public long RowsUpdated { get; private set; }

    public long RowsRemoved { get; private set; }

    public long RowsTotal { get; private set; }

    /// <summary>Key and value bytes of the store after the version.</summary>
    public long BytesTotal { get; private set; }

    /// <summary>The version's changelog file; valid until <see cref="ReleaseDelta"/>.</summary>
    public ReadOnlyMemory<byte> Delta { get; private set; }

    /// <summary>
    /// Whether an entry <see cref="Collect"/> went over changes the committed state: a put, or the remove of a key that
    /// is committed (null value: remove).
    /// </summary>
    public static bool IsChange(SortedEntries.Entry entry) => entry.Value is not null || entry.CommittedLength >= 0;

    /// <param name="removedPrefixes">Key prefixes the version removed whole, with the committed rows and bytes under
    /// each (<see cref="IStateStore.TakePrefix"/>): written first, one record each; no entry is under one unless put after it.</param>
    /// <param name="entries">The overlay's entries, in the order the store applies them; their unknown committed lengths are filled in.</param>
    /// <param name="payloadBytes">Key and value bytes of <paramref name="entries"/>, to bound the changelog.</param>
    /// <param name="committedValueLength">Length of the committed value of a key; -1 when the key is not committed.</param>
    public static VersionChanges Collect(IReadOnlyList<RemovedPrefix> removedPrefixes, ReadOnlySpan<SortedEntries.Entry> entries, long payloadBytes,
        Func<byte[], int> committedValueLength, long rowsTotal, long bytesTotal, long version)
    {
        // A put takes 9 bytes besides its key and value, a remove 5 besides its key: this bounds the file.
        var bound = StateFileWriter.HeaderLength + StateFileWriter.TrailerLength + payloadBytes + (9L * entries.Length)
            + removedPrefixes.Sum(static p => StateFileWriter.RemoveLength(p.Prefix.Length));
        var delta = new StateFileWriter(StateFileKind.Delta, version, bound, pooled: true, keepRecords: true);
        var result = new VersionChanges(delta) { RowsTotal = rowsTotal, BytesTotal = bytesTotal };
        foreach (var removed in removedPrefixes)
        {
            result.RowsRemoved += removed.Rows;
            result.RowsTotal -= removed.Rows;
            result.BytesTotal -= removed.Bytes;
            delta.RemovePrefix(removed.Prefix);
        }
        foreach (var entry in entries)
        {
            var committed = entry.CommittedLength != SortedEntries.Entry.UnknownLength ? entry.CommittedLength : committedValueLength(entry.Key);
            // Resolved in place (the committed state does not change until the apply that reads it).
            entry.CommittedLength = committed;
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
                if (entry.Kept.FitsIn(committed, entry.Value.Length))
                {
                    delta.Patch(entry.Key, entry.Value, entry.Kept);
                }
                else
                {
                    delta.Put(entry.Key, entry.Value);
                }
            }
        }
        result.Delta = delta.Finish(result.RowsTotal, result.BytesTotal);
        return result;
    }

    /// <summary>
    /// The changelog's records, uncompressed and in the entries' order (format 1's or 3's body): exactly the changes <see cref="IsChange"/>
    /// selects, laid out one after another (a patch's whole value is its entry's), so the committed state can be applied in one sequential pass over them
    /// rather than by chasing each entry's key and value again. Valid until <see cref="ReleaseDelta"/>.
    /// </summary>
    public ReadOnlyMemory<byte> Records => _delta.Records;

    /// <summary>Gives the changelog's buffers back to the pool once it is written and applied (never after a failed write).</summary>
    public void ReleaseDelta()
    {
        Delta = default;
        _delta.Release();
    }
}

/// <summary>A key prefix a working version removed whole, and the committed rows and key and value bytes it held.</summary>
internal readonly record struct RemovedPrefix(byte[] Prefix, long Rows, long Bytes);
