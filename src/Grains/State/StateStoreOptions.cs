namespace Sluice.State;

/// <summary>Where and how window grains keep their state (configuration section <c>Sluice:State</c>).</summary>
public sealed class StateStoreOptions
{
    /// <summary>The RocksDB provider: state on local disk, bounded memory. The default.</summary>
    public const string RocksDbProvider = "rocksdb";

    /// <summary>The memory provider: all state in the heap. For tests and small state.</summary>
    public const string MemoryProvider = "memory";

    /// <summary><c>rocksdb</c> (default) or <c>memory</c>.</summary>
    public string Provider { get; set; } = RocksDbProvider;

    /// <summary>
    /// A full snapshot is written every this many versions, besides the changelog of each version; a restore reads the
    /// latest snapshot and at most this many changelogs (Spark's <c>minDeltasForSnapshot</c>).
    /// </summary>
    public int SnapshotInterval { get; set; } = 10;

    /// <summary>
    /// Local folder of the RocksDB working copies, rebuilt from the checkpoint whenever a store opens;
    /// null means <c>&lt;temp&gt;/sluice-rocksdb</c>. Use a fast local disk.
    /// </summary>
    public string? LocalRoot { get; set; }

    /// <summary>
    /// The LRU block cache shared by every RocksDB store of a silo, in MiB. Together with <see cref="WriteBufferMb"/>
    /// it bounds RocksDB's memory however many stores are open (Spark's <c>boundedMemoryUsage</c>).
    /// </summary>
    public int BlockCacheMb { get; set; } = 64;

    /// <summary>The memtable budget shared by every RocksDB store of a silo, in MiB; charged to the block cache.</summary>
    public int WriteBufferMb { get; set; } = 16;

    /// <summary>
    /// Committed changes every RocksDB store of a silo may hold in memory before writing them to its database, in MiB
    /// (<see cref="WriteBehindChanges"/>): a key changed in every batch then reaches RocksDB once per write instead of once
    /// per commit. The changelogs stay the durable record. 0 writes every commit's changes at once.
    /// </summary>
    public int WriteBehindMb { get; set; } = 64;

    /// <summary>The local root in effect.</summary>
    internal string EffectiveLocalRoot => LocalRoot ?? Path.Combine(Path.GetTempPath(), "sluice-rocksdb");

    /// <summary>Fails with a message naming the setting to fix.</summary>
    public void Validate()
    {
        if (Provider is not (RocksDbProvider or MemoryProvider))
        {
            throw new InvalidOperationException(
                $"Sluice:State:Provider is '{Provider}'; set it to '{RocksDbProvider}' (default) or '{MemoryProvider}'.");
        }
        if (SnapshotInterval < 1)
        {
            throw new InvalidOperationException("Sluice:State:SnapshotInterval must be at least 1 (default 10).");
        }
        if (LocalRoot is not null && string.IsNullOrWhiteSpace(LocalRoot))
        {
            throw new InvalidOperationException("Sluice:State:LocalRoot must name a folder, or be left out for the temp folder.");
        }
        if (BlockCacheMb < 1)
        {
            throw new InvalidOperationException("Sluice:State:BlockCacheMb must be at least 1 (default 64).");
        }
        if (WriteBufferMb < 1)
        {
            throw new InvalidOperationException("Sluice:State:WriteBufferMb must be at least 1 (default 16).");
        }
        if (WriteBehindMb < 0)
        {
            throw new InvalidOperationException("Sluice:State:WriteBehindMb must be 0 (write every commit's changes at once) or more (default 64).");
        }
    }
}
