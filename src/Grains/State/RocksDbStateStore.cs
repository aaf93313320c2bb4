using System.Diagnostics;
using System.Globalization;
using RocksDbSharp;

namespace Sluice.State;

/// <summary>
/// A store whose committed state is a local RocksDB database, so state larger than memory stays on disk. The
/// database is only a working copy: the checkpoint's changelogs and snapshots are the truth, so it runs without a
/// write-ahead log and is wiped and rebuilt from the checkpoint on every open. The working version lives in the
/// overlay and reaches the database only at commit, once its changelog is durable.
/// </summary>
internal sealed class RocksDbStateStore : OverlayStateStore
{
    // Overlay entry object, tree node and two array headers (a rough figure for metrics).
    private const long OverlayEntryOverhead = 32 + 48 + 24 + 24;

    private readonly RocksDb _db;
    private readonly RocksDbSharedMemory _memory;
    private readonly string _folder;
    private readonly Action _onClose;
    private readonly ReadOptions _read = new();
    private readonly WriteOptions _write = new WriteOptions().DisableWal(1);
    private readonly FlushOptions _flush = new FlushOptions().SetWaitForFlush(true);
    private readonly long _batchBytes;
    private readonly HashSet<Iterator> _iterators = new(ReferenceEqualityComparer.Instance);
    private bool _closed;
    private long _flushes;
    private long _gets;
    private long _puts;

    private RocksDbStateStore(StateCheckpointFiles files, StateStoreOptions options, StateRestore restored, RocksDb db,
        RocksDbSharedMemory memory, string folder, Action onClose)
        : base(files, options, restored)
    {
        _db = db;
        _memory = memory;
        _folder = folder;
        _onClose = onClose;
        _batchBytes = BatchBytes(memory);
    }

    public static async Task<RocksDbStateStore> OpenAsync(StateCheckpointFiles files, StateStoreOptions options, RocksDbSharedMemory memory,
        string folder, Action onClose, long version, CancellationToken cancellationToken)
    {
        Wipe(folder);
        Directory.CreateDirectory(folder);
        var db = RocksDb.Open(memory.CreateDbOptions(), folder);
        try
        {
            var restored = await StateRestore.RunAsync(files, version, new Loader(db, BatchBytes(memory)), cancellationToken);
            return new RocksDbStateStore(files, options, restored, db, memory, folder, onClose);
        }
        catch
        {
            db.Dispose();
            Wipe(folder);
            throw;
        }
    }

    protected override byte[]? GetCommitted(byte[] key)
    {
        _gets++;
        return _db.Get(key, null, _read);
    }

    protected override int CommittedValueLength(byte[] key)
    {
        _gets++;
        // Reads the length without copying the value out.
        return (int)_db.Get(key, [], 0, 0, null, _read);
    }

    protected override IEnumerable<KeyValuePair<byte[], byte[]>> IterateCommitted(byte[] prefix)
    {
        var read = new ReadOptions();
        var upper = StateKeys.PrefixUpperBound(prefix);
        if (upper is not null)
        {
            read.SetIterateUpperBound(upper);
        }
        // The iterator reads the database as it was when created: a commit during the iteration does not show.
        var iterator = _db.NewIterator(null, read);
        _iterators.Add(iterator);
        try
        {
            for (iterator.Seek(prefix); iterator.Valid(); iterator.Next())
            {
                yield return new(iterator.Key(), iterator.Value());
                // A native iterator must not outlive its database: Close disposed it if the store was disposed meanwhile.
                ObjectDisposedException.ThrowIf(_closed, this);
            }
        }
        finally
        {
            if (_iterators.Remove(iterator))
            {
                iterator.Dispose();
            }
            GC.KeepAlive(read);
        }
    }

    /// <summary>
    /// Writes the changes in batches of a few MiB rather than one: a single batch lands in a single memtable, so a large
    /// version would blow through the shared write-buffer budget. The working copy needs no atomicity (a failed apply
    /// leaves the store unusable, and the next open rebuilds it from the checkpoint). The batches are built in managed
    /// memory and handed over whole (<see cref="RocksDbWriteBatchBuffer"/>), not a native call per key. They are read from
    /// the changelog's records, one sequential pass, not from the overlay's entries: those lie all over the heap, and a
    /// second walk of them (a cache miss for the entry, its key and its value) cost as much as the copying.
    /// </summary>
    protected override void ApplyCommitted(ReadOnlySpan<SortedEntries.Entry> entries, ReadOnlySpan<byte> records)
    {
        // A RocksDB record is at most 2 bytes longer than the changelog's (varint lengths; the changelog's take 4).
        using var batch = new RocksDbWriteBatchBuffer(_db, _write, _batchBytes, records.Length + (2L * entries.Length));
        var changes = new StateFile.RecordEnumerator(records);
        while (changes.MoveNext())
        {
            var record = changes.Current;
            if (record.IsRemove)
            {
                batch.Delete(record.Key);
            }
            else
            {
                batch.Put(record.Key, record.Value);
            }
        }
        batch.Flush();
        _puts += batch.Records;
        // RocksDB's write-buffer manager only flushes the store that writes next, so idle stores would keep their
        // memtables however far the shared budget is exceeded: the store committing now gives its memory back.
        if (_memory.WriteBufferUsageBytes > (long)_memory.WriteBufferBytes)
        {
            _db.Flush(_flush);
            _flushes++;
        }
    }

    /// <summary>A RocksDB snapshot of the version just applied: later writes do not show in it, and it pins what it reads.</summary>
    protected override IStateSnapshotSource CaptureCommitted() => new SnapshotSource(_db);

    protected override long EstimateMemoryBytes() =>
        OverlayBytes + (OverlayEntryOverhead * OverlayCount) + Property("rocksdb.cur-size-all-mem-tables") + Property("rocksdb.estimate-table-readers-mem");

    protected override void AddCustomMetrics(Dictionary<string, long> metrics, long applyMs)
    {
        metrics["rocksdbCommitWriteBatchLatency"] = applyMs;
        metrics["rocksdbGetCount"] = _gets;
        metrics["rocksdbPutCount"] = _puts;
        metrics["rocksdbCommitFlushCount"] = _flushes;
        metrics["rocksdbSstFileSize"] = Property("rocksdb.total-sst-files-size");
        metrics["rocksdbEstimateNumKeys"] = Property("rocksdb.estimate-num-keys");
        metrics["rocksdbMemTableBytes"] = Property("rocksdb.cur-size-all-mem-tables");
        metrics["rocksdbTableReadersBytes"] = Property("rocksdb.estimate-table-readers-mem");
        metrics["rocksdbSharedBlockCacheUsageBytes"] = _memory.CacheUsageBytes;
        metrics["rocksdbSharedWriteBufferUsageBytes"] = _memory.WriteBufferUsageBytes;
        _gets = 0;
        _puts = 0;
        _flushes = 0;
    }

    protected override void Close()
    {
        _closed = true;
        foreach (var iterator in _iterators)
        {
            iterator.Dispose();
        }
        _iterators.Clear();
        _db.Dispose();
        Wipe(_folder);
        _onClose();
    }

    /// <summary>Write batches stay well under the shared memtable budget, so it can flush between them.</summary>
    private static long BatchBytes(RocksDbSharedMemory memory) => Math.Clamp((long)memory.WriteBufferBytes / 8, 64 * 1024, 4 * 1024 * 1024);

    private long Property(string name) =>
        long.TryParse(_db.GetProperty(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static void Wipe(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads a RocksDB snapshot with one iterator, copying keys and values from RocksDB's memory straight into the file.</summary>
    private sealed class SnapshotSource : IStateSnapshotSource
    {
        private readonly RocksDb _db;
        private readonly Snapshot _snapshot;

        public SnapshotSource(RocksDb db)
        {
            _db = db;
            _snapshot = db.CreateSnapshot();
        }

        public void WriteTo(StateFileWriter writer, CancellationToken cancellationToken)
        {
            // A full scan would evict the hot blocks the next batches read from the cache all stores share.
            var read = new ReadOptions().SetSnapshot(_snapshot).SetFillCache(false);
            using var iterator = _db.NewIterator(null, read);
            var rows = 0L;
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                if ((rows++ & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                writer.Put(iterator.GetKeySpan(), iterator.GetValueSpan());
            }
            GC.KeepAlive(read);
        }

        public void Dispose() => _snapshot.Dispose();
    }

    /// <summary>Writes restored records in batches of a few MiB, so a large snapshot never sits in one batch.</summary>
    private sealed class Loader(RocksDb db, long batchBytes) : IStateRestoreTarget
    {
        private readonly WriteOptions _write = new WriteOptions().DisableWal(1);

        public void Apply(StateFile file)
        {
            using var batch = new RocksDbWriteBatchBuffer(db, _write, batchBytes, file.RecordsLength);
            foreach (var record in file)
            {
                if (record.IsRemove)
                {
                    batch.Delete(record.Key);
                }
                else
                {
                    batch.Put(record.Key, record.Value);
                }
            }
            batch.Flush();
        }
    }
}
