using System.Diagnostics;
using System.Globalization;
using RocksDbSharp;

namespace Sluice.State;

/// <summary>
/// A store whose committed state is a local RocksDB database, so state larger than memory stays on disk. The
/// database is only a working copy: the checkpoint's changelogs and snapshots are the truth, so it runs without a
/// write-ahead log and is wiped and rebuilt from the checkpoint on every open. The working version lives in the
/// overlay and reaches the database only after commit, once its changelog is durable, and then only when the held
/// committed changes outgrow their budget (<see cref="WriteBehindChanges"/>), a snapshot or a whole scan needs them
/// there; reads see the held changes over the database.
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
    // The flush a commit asks for runs on RocksDB's flush thread: the working copy needs no durability, so the commit
    // (and the batch behind it) does not wait for the memtable to reach a table file.
    private readonly FlushOptions _flush = new FlushOptions().SetWaitForFlush(false);
    private readonly long _batchBytes;
    private readonly WriteBehindChanges _behind = new();
    // Every key put into the database since the filter was last built: a remove's check reads the database only for these.
    private readonly DatabaseKeyFilter _keys;
    private readonly Func<byte[], bool> _inDatabase;
    private readonly HashSet<Iterator> _iterators = new(ReferenceEqualityComparer.Instance);
    private bool _closed;
    private long _flushes;
    private long _gets;
    private long _heldGets;
    private long _checks;
    private long _puts;
    private long _reportedRebuilds;

    private RocksDbStateStore(StateCheckpointFiles files, StateStoreOptions options, StateRestore restored, RocksDb db,
        RocksDbSharedMemory memory, DatabaseKeyFilter keys, string folder, Action onClose)
        : base(files, options, restored)
    {
        _db = db;
        _keys = keys;
        _memory = memory;
        _folder = folder;
        _onClose = onClose;
        _batchBytes = BatchBytes(memory);
        _inDatabase = InDatabase;
    }

    public static async Task<RocksDbStateStore> OpenAsync(StateCheckpointFiles files, StateStoreOptions options, RocksDbSharedMemory memory,
        string folder, Action onClose, long version, CancellationToken cancellationToken)
    {
        Wipe(folder);
        Directory.CreateDirectory(folder);
        var db = RocksDb.Open(memory.CreateDbOptions(), folder);
        try
        {
            var keys = new DatabaseKeyFilter();
            var restored = await StateRestore.RunAsync(files, version, new Loader(db, BatchBytes(memory), keys), cancellationToken);
            return new RocksDbStateStore(files, options, restored, db, memory, keys, folder, onClose);
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
        if (_behind.TryGet(key, out var held))
        {
            _heldGets++;
            return held;
        }
        _gets++;
        return _db.Get(key, null, _read);
    }

    protected override int CommittedValueLength(byte[] key)
    {
        if (_behind.TryGet(key, out var held))
        {
            _heldGets++;
            return held?.Length ?? -1;
        }
        _gets++;
        // Reads the length without copying the value out.
        return (int)_db.Get(key, [], 0, 0, null, _read);
    }

    /// <summary>
    /// Whether the database itself (not the held changes) holds the key: the store's own check before it drops a
    /// remove (<see cref="WriteBehindChanges.Add"/>), read from the database (counted apart from the reads operators
    /// make) only for a key its filter of written keys may hold: most such removes end a key put since the last write
    /// that never reached the database (a window's group that opened and closed).
    /// </summary>
    private bool InDatabase(byte[] key)
    {
        if (!_keys.MayContain(key))
        {
            return false;
        }
        _checks++;
        return _db.Get(key, [], 0, 0, null, _read) >= 0;
    }

    protected override IEnumerable<KeyValuePair<byte[], byte[]>> IterateCommitted(byte[] prefix)
    {
        var read = new ReadOptions();
        var upper = StateKeys.PrefixUpperBound(prefix);
        if (upper is not null)
        {
            read.SetIterateUpperBound(upper);
        }
        if (_behind.Count > 0 && (prefix.Length == 0 || _behind.ScannedOften))
        {
            // A whole scan would sort every held change, and many prefix scans walk them all each: the database
            // sorts them once as it takes them.
            WriteBehind();
        }
        // Both read the committed state as it was when the iteration started: a commit during it does not show (the
        // iterator reads the database as it was when created; the held changes are copied).
        var held = _behind.Count > 0 ? _behind.CopyRange(prefix) : [];
        var iterator = _db.NewIterator(null, read);
        _iterators.Add(iterator);
        try
        {
            var i = 0;
            for (iterator.Seek(prefix); iterator.Valid(); iterator.Next())
            {
                var key = iterator.Key();
                var order = 1;
                for (; i < held.Length && (order = StateKeys.Comparer.Compare(held[i].Key, key)) < 0; i++)
                {
                    if (held[i].Value is { } value)
                    {
                        yield return new(held[i].Key, value);
                    }
                }
                // The store may have been disposed while a held change was yielded: the iterator is gone then.
                ObjectDisposedException.ThrowIf(_closed, this);
                if (order == 0)
                {
                    // The database's value is older than the held change: the change wins (a remove hides the key).
                    if (held[i++].Value is { } value)
                    {
                        yield return new(key, value);
                    }
                }
                else
                {
                    yield return new(key, iterator.Value());
                }
                // A native iterator must not outlive its database: Close disposed it if the store was disposed meanwhile.
                ObjectDisposedException.ThrowIf(_closed, this);
            }
            for (; i < held.Length; i++)
            {
                if (held[i].Value is { } value)
                {
                    yield return new(held[i].Key, value);
                }
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

    /// <summary>Held changes are sorted when they are written, so the commit that holds them need not sort.</summary>
    protected override bool AppliesInKeyOrder => _memory.WriteBehindBudgetBytes == 0;

    /// <summary>
    /// Takes the version's changes into the held ones (<see cref="WriteBehindChanges"/>), and writes them all to the
    /// database once the stores together hold more than their budget (<see cref="StateStoreOptions.WriteBehindMb"/>);
    /// with no budget, writes the version's changes at once, read from the changelog's records (one sequential pass,
    /// not a second walk of the overlay's entries over the heap). The working copy needs no atomicity (a failed write
    /// leaves the store unusable, and the next open rebuilds it from the checkpoint).
    /// </summary>
    protected override void ApplyCommitted(IReadOnlyList<RemovedPrefix> removedPrefixes, ReadOnlySpan<SortedEntries.Entry> entries, ReadOnlySpan<byte> records)
    {
        if (_memory.WriteBehindBudgetBytes > 0)
        {
            if (removedPrefixes.Count > 0)
            {
                // The range tombstones go to the database now; the held changes under them are superseded.
                using var ranges = new RocksDbWriteBatchBuffer(_db, _write, _batchBytes, 4096, _keys);
                foreach (var removed in removedPrefixes)
                {
                    _memory.AddWriteBehind(-_behind.RemovePrefix(removed.Prefix));
                    ranges.DeletePrefix(removed.Prefix);
                }
                Write(ranges);
            }
            if (_memory.AddWriteBehind(_behind.Add(entries, _inDatabase)) > _memory.WriteBehindBudgetBytes)
            {
                WriteBehind();
            }
            return;
        }
        // A put or remove is at most 2 bytes longer in RocksDB than in the changelog (varint lengths; the changelog's take
        // 4); a patch's whole value and a range's end key can be longer: this only sizes the buffer, which writes what it
        // holds when a record does not fit.
        using var batch = new RocksDbWriteBatchBuffer(_db, _write, _batchBytes, records.Length + (2L * entries.Length), _keys);
        var changes = new StateFile.RecordEnumerator(records);
        var entry = -1;
        while (changes.MoveNext())
        {
            var record = changes.Current;
            if (record.IsPrefixRemove)
            {
                // A closed window's prefix: written before the version's entries, and none of them.
                batch.DeletePrefix(record.Key);
                continue;
            }
            // The other records are the entries that change the state, in order: a patch's whole value is its entry's.
            do
            {
                entry++;
            }
            while (!VersionChanges.IsChange(entries[entry]));
            if (record.IsRemove)
            {
                batch.Delete(record.Key);
            }
            else
            {
                batch.Put(record.Key, record.IsPatch ? entries[entry].Value : record.Value);
            }
        }
        Write(batch);
    }

    /// <summary>A put, remove or prefix remove record as the database's write (a patch needs the key's previous value).</summary>
    private static void ApplyRecord(RocksDbWriteBatchBuffer batch, StateFile.Record record)
    {
        if (record.IsPrefixRemove)
        {
            batch.DeletePrefix(record.Key);
        }
        else if (record.IsRemove)
        {
            batch.Delete(record.Key);
        }
        else
        {
            batch.Put(record.Key, record.Value);
        }
    }

    /// <summary>
    /// Writes the held changes to the database, in key order (RocksDB inserts keys in order much faster than unordered).
    /// A write that fails part way keeps them held: what it wrote are committed values the held ones still shadow, and
    /// every held key counts as in the database until the next write (<see cref="WriteBehindChanges.WriteFailed"/>).
    /// </summary>
    private void WriteBehind()
    {
        if (_behind.Count == 0)
        {
            return;
        }
        try
        {
            using var batch = new RocksDbWriteBatchBuffer(_db, _write, _batchBytes, _behind.Bytes, _keys);
            foreach (var change in _behind.Sorted())
            {
                if (change.Value is null)
                {
                    batch.Delete(change.Key);
                }
                else
                {
                    batch.Put(change.Key, change.Value);
                }
            }
            Write(batch);
        }
        catch
        {
            // Some held keys may have reached the database: a later remove of one must reach it too.
            _behind.WriteFailed();
            throw;
        }
        _memory.AddWriteBehind(-_behind.Clear());
    }

    /// <summary>
    /// Hands the batch's last records to RocksDB. Batches of a few MiB rather than one: a single batch lands in a single
    /// memtable, so a large version would blow through the shared write-buffer budget. They are built in managed memory
    /// and handed over whole (<see cref="RocksDbWriteBatchBuffer"/>), not a native call per key.
    /// </summary>
    private void Write(RocksDbWriteBatchBuffer batch)
    {
        batch.Flush();
        _puts += batch.Records;
        if (_keys.NeedsRebuild)
        {
            // Every key added is in the database now.
            _keys.Rebuild(_db);
        }
        // RocksDB's write-buffer manager only flushes the store that writes next, so idle stores would keep their
        // memtables however far the shared budget is exceeded: the store writing now gives its memory back, on
        // RocksDB's flush thread (it waits only while its previous memtable is still being flushed).
        if (_memory.WriteBufferUsageBytes > (long)_memory.WriteBufferBytes)
        {
            _db.Flush(_flush);
            _flushes++;
        }
    }

    /// <summary>A RocksDB snapshot of the version just applied: later writes do not show in it, and it pins what it reads.</summary>
    protected override IStateSnapshotSource CaptureCommitted()
    {
        WriteBehind();
        return new SnapshotSource(_db);
    }

    protected override long EstimateMemoryBytes() =>
        OverlayBytes + (OverlayEntryOverhead * OverlayCount) + _behind.Bytes + _keys.Bytes + Property("rocksdb.cur-size-all-mem-tables") + Property("rocksdb.estimate-table-readers-mem");

    protected override void AddCustomMetrics(Dictionary<string, long> metrics, long applyMs)
    {
        metrics["rocksdbCommitWriteBatchLatency"] = applyMs;
        metrics["rocksdbWriteBehindBytes"] = _behind.Bytes;
        metrics["rocksdbGetCount"] = _gets;
        metrics["rocksdbWriteBehindGetCount"] = _heldGets;
        metrics["rocksdbWriteBehindCheckCount"] = _checks;
        metrics["rocksdbPutCount"] = _puts;
        metrics["rocksdbCommitFlushCount"] = _flushes;
        metrics["rocksdbKeyFilterRebuildCount"] = _keys.Rebuilds - _reportedRebuilds;
        _reportedRebuilds = _keys.Rebuilds;
        metrics["rocksdbSstFileSize"] = Property("rocksdb.total-sst-files-size");
        metrics["rocksdbEstimateNumKeys"] = Property("rocksdb.estimate-num-keys");
        metrics["rocksdbMemTableBytes"] = Property("rocksdb.cur-size-all-mem-tables");
        metrics["rocksdbTableReadersBytes"] = Property("rocksdb.estimate-table-readers-mem");
        metrics["rocksdbSharedBlockCacheUsageBytes"] = _memory.CacheUsageBytes;
        metrics["rocksdbSharedWriteBufferUsageBytes"] = _memory.WriteBufferUsageBytes;
        _gets = 0;
        _heldGets = 0;
        _checks = 0;
        _puts = 0;
        _flushes = 0;
    }

    protected override void Close()
    {
        _closed = true;
        // The working copy is wiped: the held changes are in the checkpoint's changelogs.
        _memory.AddWriteBehind(-_behind.Clear());
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

    /// <summary>
    /// Writes restored records in batches of a few MiB, so a large snapshot never sits in one batch, and fills the
    /// store's filter of written keys, sized by the first file's rows (rebuilt from the database if later files outgrow it).
    /// </summary>
    private sealed class Loader(RocksDb db, long batchBytes, DatabaseKeyFilter keys) : IStateRestoreTarget
    {
        private readonly WriteOptions _write = new WriteOptions().DisableWal(1);
        private bool _sized;

        public void Apply(StateFile file)
        {
            if (!_sized)
            {
                keys.Reset(2 * Math.Max(file.NumRowsTotal, file.RecordCount));
                _sized = true;
            }
            using var batch = new RocksDbWriteBatchBuffer(db, _write, batchBytes, file.RecordsLength, keys);
            foreach (var record in file)
            {
                if (record.IsPatch)
                {
                    // The key's previous value is the earlier files' (a file holds a key once, and each is flushed whole).
                    var previous = db.Get(record.Key.ToArray());
                    batch.Put(record.Key, record.PatchOf(previous, previous is not null, file.Name));
                }
                else
                {
                    ApplyRecord(batch, record);
                }
            }
            batch.Flush();
            if (keys.NeedsRebuild)
            {
                keys.Rebuild(db);
            }
        }
    }
}
