using Sluice.Checkpointing;

namespace Sluice.State;

/// <summary>A store whose committed state is a sorted map in the heap: for tests and small state.</summary>
internal sealed class MemoryStateStore : OverlayStateStore
{
    // Per entry: the entry object, the tree node, and two array headers (a rough figure for metrics).
    private const long EntryOverhead = 32 + 48 + 24 + 24;

    private readonly SortedEntries _committed;

    private MemoryStateStore(StateCheckpointFiles files, StateStoreOptions options, StateRestore restored, SortedEntries committed)
        : base(files, options, restored) => _committed = committed;

    public static async Task<MemoryStateStore> OpenAsync(StateCheckpointFiles files, StateStoreOptions options, long version, CancellationToken cancellationToken)
    {
        var loader = new Loader();
        var restored = await StateRestore.RunAsync(files, version, loader, cancellationToken);
        if (loader.Entries.Count != restored.NumRowsTotal || loader.Entries.PayloadBytes != restored.StateBytesTotal)
        {
            throw new CheckpointCorruptException(files.Describe(version, StateFileKind.Delta),
                $"restoring it gives {loader.Entries.Count} rows of {loader.Entries.PayloadBytes} bytes, but the file says " +
                $"the store held {restored.NumRowsTotal} rows of {restored.StateBytesTotal} bytes");
        }
        return new MemoryStateStore(files, options, restored, loader.Entries);
    }

    protected override byte[]? GetCommitted(byte[] key) => _committed.TryGet(key, out var value) ? value : null;

    protected override int CommittedValueLength(byte[] key) => _committed.TryGet(key, out var value) ? value!.Length : -1;

    protected override IEnumerable<KeyValuePair<byte[], byte[]>> IterateCommitted(byte[] prefix)
    {
        // Commits only happen between batches, never inside an iteration, so the live view is stable while it is read.
        foreach (var entry in _committed.Range(prefix))
        {
            yield return new(entry.Key, entry.Value!);
        }
    }

    protected override void ApplyCommitted(IReadOnlyList<RemovedPrefix> removedPrefixes, ReadOnlySpan<SortedEntries.Entry> entries, ReadOnlySpan<byte> records)
    {
        foreach (var removed in removedPrefixes)
        {
            _committed.DeletePrefix(removed.Prefix);
        }
        foreach (var entry in entries)
        {
            if (entry.Value is null)
            {
                _committed.Delete(entry.Key);
            }
            else
            {
                _committed.Set(entry.Key, entry.Value);
            }
        }
    }

    /// <summary>The entries by reference: a commit replaces arrays in the map, never changes one, so the copy stays as it is.</summary>
    protected override IStateSnapshotSource CaptureCommitted() => new EntriesSource(_committed.CopyRange([]));

    protected override long EstimateMemoryBytes() =>
        _committed.PayloadBytes + OverlayBytes + (EntryOverhead * (_committed.Count + OverlayCount));

    protected override void Close() => _committed.Clear();

    private sealed class EntriesSource(KeyValuePair<byte[], byte[]?>[] entries) : IStateSnapshotSource
    {
        public void WriteTo(StateFileWriter writer, CancellationToken cancellationToken)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if ((i & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                writer.Put(entries[i].Key, entries[i].Value);
            }
        }

        public void Dispose()
        {
        }
    }

    private sealed class Loader : IStateRestoreTarget
    {
        public SortedEntries Entries { get; } = new();

        public void Apply(StateFile file)
        {
            foreach (var record in file)
            {
                if (record.IsPrefixRemove)
                {
                    Entries.DeletePrefix(record.Key.ToArray());
                }
                else if (record.IsRemove)
                {
                    Entries.Delete(record.Key.ToArray());
                }
                else if (record.IsPatch)
                {
                    var key = record.Key.ToArray();
                    var found = Entries.TryGet(key, out var previous);
                    Entries.Set(key, record.PatchOf(previous, found, file.Name));
                }
                else
                {
                    Entries.Set(record.Key.ToArray(), record.Value.ToArray());
                }
            }
        }
    }
}
