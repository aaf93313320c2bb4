using RocksDbSharp;

namespace Sluice.State;

/// <summary>
/// The memory every RocksDB store of one provider shares, as Spark's <c>boundedMemoryUsage</c>: one LRU block cache and
/// one write-buffer manager whose memtables are charged to that cache, so RocksDB's total stays near
/// <c>BlockCacheMb + WriteBufferMb</c> however many stores are open. Both are thread-safe in RocksDB.
/// </summary>
internal sealed class RocksDbSharedMemory : IDisposable
{
    private const ulong MiB = 1024 * 1024;

    /// <summary>
    /// No compression for level 0 and the level it compacts into, LZ4 below: the database is a spill of state that the
    /// checkpoint's files already hold (wiped on every open), and its young files are rewritten soon, so compressing
    /// them at flush and decompressing them at the next compaction or cache miss was 12% of q7's samples at 4M
    /// (BENCHMARKS.md, thirteenth session). RocksDB's own tuning advice, with dynamic level bytes (its default): entry 1
    /// is the base level, whichever level that is, so a small database holds no compressed file and a large one
    /// compresses the levels that hold most of its bytes.
    /// </summary>
    private static readonly Compression[] CompressionPerLevel =
        [Compression.No, Compression.No, Compression.Lz4, Compression.Lz4, Compression.Lz4, Compression.Lz4, Compression.Lz4];

    private readonly Cache _cache;
    private IntPtr _writeBufferManager;

    private long _writeBehindBytes;

    public RocksDbSharedMemory(int blockCacheMb, int writeBufferMb, int writeBehindMb = 0)
    {
        WriteBufferBytes = (ulong)writeBufferMb * MiB;
        WriteBehindBudgetBytes = (long)writeBehindMb * (long)MiB;
        CapacityBytes = ((ulong)blockCacheMb * MiB) + WriteBufferBytes;
        _cache = Cache.CreateLru(CapacityBytes);
        // allow_stall false: going over the budget makes the writing store flush its memtable, never wait.
        _writeBufferManager = Native.Instance.rocksdb_write_buffer_manager_create_with_cache((UIntPtr)WriteBufferBytes, _cache.Handle, 0);
    }

    /// <summary>Block cache capacity, including the memtable budget charged to it.</summary>
    public ulong CapacityBytes { get; }

    public ulong WriteBufferBytes { get; }

    /// <summary>Bytes in the cache now: data, index and filter blocks plus the memtables' reservations.</summary>
    public long CacheUsageBytes => (long)_cache.GetUsage();

    /// <summary>Committed changes all stores may hold before writing them to their databases (0: none).</summary>
    public long WriteBehindBudgetBytes { get; }

    /// <summary>Committed changes all stores hold now, not yet written to their databases.</summary>
    public long WriteBehindBytes => Volatile.Read(ref _writeBehindBytes);

    /// <summary>Counts changes a store took (positive) or wrote or dropped (negative); returns the total held now.</summary>
    public long AddWriteBehind(long bytes) => Interlocked.Add(ref _writeBehindBytes, bytes);

    /// <summary>Bytes the memtables of all stores hold now.</summary>
    public long WriteBufferUsageBytes =>
        _writeBufferManager == IntPtr.Zero ? 0 : (long)Native.Instance.rocksdb_write_buffer_manager_memory_usage(_writeBufferManager);

    /// <summary>
    /// Options for one store's database: the shared cache and budget, partitioned bloom filters for point lookups, and
    /// memtables of a quarter of the budget, so one busy store cannot take all of it.
    /// </summary>
    public DbOptions CreateDbOptions()
    {
        ObjectDisposedException.ThrowIf(_writeBufferManager == IntPtr.Zero, this);
        var table = new BlockBasedTableOptions()
            .SetBlockCache(_cache)
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true)
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            // Partitioned index and filters: a lookup that misses the cache reads one small partition instead of a
            // file's whole filter and index (megabytes once a store holds millions of keys), so a point lookup of a new
            // key stays cheap when the state's filters outgrow the cache; only the small top level stays pinned.
            .SetIndexType(BlockBasedTableIndexType.TwoLevelIndex)
            .SetFormatVersion(5);
        Native.Instance.rocksdb_block_based_options_set_partition_filters(table.Handle, 1);
        Native.Instance.rocksdb_block_based_options_set_pin_top_level_index_and_filter(table.Handle, 1);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetInfoLogLevel(InfoLogLevel.Warn)
            .SetKeepLogFileNum(1)
            .SetWriteBufferSize(Math.Clamp(WriteBufferBytes / 4, MiB, 64 * MiB))
            .SetMaxWriteBufferNumber(2)
            .SetCompressionPerLevel(CompressionPerLevel, (ulong)CompressionPerLevel.Length)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount / 2))
            .SetBlockBasedTableFactory(table);
        Native.Instance.rocksdb_options_set_write_buffer_manager(options.Handle, _writeBufferManager);
        // Open loads the table files' handlers on this thread, not on max_file_opening_threads (16) new threads: the
        // database is wiped on every open, so there is nothing to load, yet RocksDB started and joined 15 threads per
        // open (8 MB stack each, zeroed pages on first touch): about 100 threads at a query's start (BENCHMARKS.md).
        Native.Instance.rocksdb_options_set_max_file_opening_threads(options.Handle, 1);
        return options;
    }

    /// <summary>Releases the provider's handles; open stores keep the cache and budget alive until they close.</summary>
    public void Dispose()
    {
        if (_writeBufferManager != IntPtr.Zero)
        {
            Native.Instance.rocksdb_write_buffer_manager_destroy(_writeBufferManager);
            _writeBufferManager = IntPtr.Zero;
        }
    }
}
