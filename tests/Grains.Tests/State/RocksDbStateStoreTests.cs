using System.Diagnostics;
using Sluice.State;
using Xunit.Abstractions;

namespace Sluice.Tests.State;

/// <summary>What only the RocksDB store promises: state beyond its memory, many stores on one shared budget, working copies.</summary>
public sealed class RocksDbStateStoreTests(ITestOutputHelper output) : StateStoreTestBase
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }

    private RocksDbStateStoreProvider RocksProvider => (RocksDbStateStoreProvider)Provider;

    [Fact]
    public async Task State_LargerThanTheBlockCache_IsReadBackFromDisk_AndRestored()
    {
        const int count = 200_000;
        Options.BlockCacheMb = 8;
        Options.WriteBufferMb = 4;
        Options.SnapshotInterval = 1;
        var store = await OpenAsync(-1);
        for (var i = 0; i < count; i++)
        {
            store.Put(Key(i), Value(i));
        }

        var watch = Stopwatch.StartNew();
        var metrics = await store.CommitAndSnapshotAsync(0);
        output.WriteLine($"commit of {count} new 1 KiB rows with snapshot: {watch.ElapsedMilliseconds} ms " +
            $"(changelog {metrics.CustomMetrics["stateChangelogBytes"] / 1048576} MiB, write batch {metrics.CustomMetrics["rocksdbCommitWriteBatchLatency"]} ms)");
        output.WriteLine(string.Join(", ", metrics.CustomMetrics.Select(m => $"{m.Key}={m.Value}")));
        Assert.Equal(count, metrics.NumRowsTotal);
        Assert.True(metrics.CustomMetrics["rocksdbSstFileSize"] > 8L * 1024 * 1024, "the state went to SST files on disk");
        Assert.True(RocksProvider.Memory.CacheUsageBytes <= (long)RocksProvider.Memory.CapacityBytes * 11 / 10);

        AssertAllReadable(store, count);
        store.Dispose();

        watch.Restart();
        using var restored = await Provider.OpenAsync(Id, Checkpoint, QueryId, 0);
        output.WriteLine($"restore of {count} rows from a snapshot: {watch.ElapsedMilliseconds} ms");
        AssertAllReadable(restored, count);
        Assert.True(RocksProvider.Memory.CacheUsageBytes <= (long)RocksProvider.Memory.CapacityBytes * 11 / 10);
    }

    [Fact]
    public async Task Commit_OfManyUpdatedKeys_WritesOneChangelog()
    {
        const int count = 100_000;
        // Every commit's changes written at once: the second commit reads each key's committed length from RocksDB.
        Options.WriteBehindMb = 0;
        var store = await OpenAsync(-1);
        for (var i = 0; i < count; i++)
        {
            store.Put(Key(i), V("first"));
        }
        await store.CommitAsync(0);
        for (var i = 0; i < count; i++)
        {
            store.Put(Key(i), Value(i));
        }

        var watch = Stopwatch.StartNew();
        var metrics = await store.CommitAsync(1);
        output.WriteLine($"commit of {count} updated 1 KiB rows: {watch.ElapsedMilliseconds} ms, reported {metrics.CommitTimeMs} ms, " +
            $"write batch {metrics.CustomMetrics["rocksdbCommitWriteBatchLatency"]} ms, checkpoint write {metrics.CustomMetrics["stateCheckpointWriteLatency"]} ms");

        Assert.Equal((count, count, 0), (metrics.NumRowsTotal, metrics.NumRowsUpdated, metrics.NumRowsRemoved));
        Assert.Equal(count, metrics.CustomMetrics["rocksdbPutCount"]);
        Assert.Equal(count, metrics.CustomMetrics["rocksdbGetCount"]);
    }

    [Fact]
    public async Task FiftyStores_OpenAtOnceFromOneProvider_ShareOneMemoryBudget()
    {
        Options.BlockCacheMb = 16;
        Options.WriteBufferMb = 8;
        var ids = Enumerable.Range(0, 50).Select(kg => new StateStoreId(2, kg)).ToList();

        // Create the (lazily built) provider once, before the parallel opens race to build it.
        var provider = RocksProvider;
        var stores = await Task.WhenAll(ids.Select(id => Task.Run(() => provider.OpenAsync(id, Checkpoint, QueryId, -1))));
        foreach (var store in stores)
        {
            Track(store);
        }
        Assert.Equal(50, RocksProvider.OpenCount);
        await Task.WhenAll(stores.Select((store, kg) => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                store.Put(Key(i), Value(i + kg));
            }
            await store.CommitAsync(0);
        })));

        for (var kg = 0; kg < stores.Length; kg++)
        {
            Assert.Equal(2_000, stores[kg].Iterate().Count());
            Assert.Equal(Value(17 + kg), stores[kg].Get(Key(17)));
        }
        // The stores that went over the budget asked RocksDB to flush their memtables; the flushes run in the background.
        for (var waited = 0; waited < 600 && RocksProvider.Memory.WriteBufferUsageBytes > (long)RocksProvider.Memory.WriteBufferBytes * 2; waited++)
        {
            await Task.Delay(100);
        }
        output.WriteLine($"50 stores: memtables {RocksProvider.Memory.WriteBufferUsageBytes} B of budget {RocksProvider.Memory.WriteBufferBytes} B; " +
            $"cache {RocksProvider.Memory.CacheUsageBytes} B of {RocksProvider.Memory.CapacityBytes} B");
        Assert.True(RocksProvider.Memory.WriteBufferUsageBytes <= (long)RocksProvider.Memory.WriteBufferBytes * 2);
        foreach (var store in stores)
        {
            store.Dispose();
        }
        Assert.Equal(0, RocksProvider.OpenCount);
    }

    /// <summary>
    /// A store's database is wiped on every open, so it has no table files to load: RocksDB's default of 16 file-opening
    /// threads started and joined 15 threads per open (about 100 at a query's start, each mapping a fresh stack).
    /// </summary>
    [Fact]
    public void DbOptions_OpenTableFilesOnTheOpeningThread()
    {
        using var memory = new RocksDbSharedMemory(blockCacheMb: 8, writeBufferMb: 4);
        var options = memory.CreateDbOptions();
        Assert.Equal(1, RocksDbSharp.Native.Instance.rocksdb_options_get_max_file_opening_threads(options.Handle));
    }

    [Fact]
    public void DbOptions_FlushWritesLevelZeroUncompressed()
    {
        using var memory = new RocksDbSharedMemory(blockCacheMb: 8, writeBufferMb: 4);
        var folder = Directory.CreateDirectory(Path.Combine(Root, "flush-compression")).FullName;
        using var db = RocksDbSharp.RocksDb.Open(memory.CreateDbOptions(), folder);
        // Values LZ4 would shrink about 20x: a compressing flush could not go unnoticed.
        var value = Enumerable.Repeat((byte)'a', 1024).ToArray();
        for (var i = 0; i < 10_000; i++)
        {
            db.Put(Key(i), value);
        }
        db.Flush(new RocksDbSharp.FlushOptions().SetWaitForFlush(true));

        var properties = db.GetProperty("rocksdb.aggregated-table-properties");
        output.WriteLine(properties);
        Assert.Equal(TableProperty(properties, "# data blocks"), TableProperty(properties, "# data blocks compression bypassed"));
        Assert.True(TableProperty(properties, "data block size") >= TableProperty(properties, "data uncompressed size"), properties);
    }

    /// <summary>A number of RocksDB's <c>name=value; ...</c> table properties text.</summary>
    private static long TableProperty(string properties, string name) =>
        long.Parse(properties.Split("; ").Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..]);

    [Fact]
    public async Task Open_OfAStoreAlreadyOpen_FailsUntilItIsDisposed()
    {
        var store = await OpenAsync(-1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provider.OpenAsync(Id, Checkpoint, QueryId, -1));
        store.Dispose();
        using var again = await Provider.OpenAsync(Id, Checkpoint, QueryId, -1);

        Assert.Contains("already open", error.Message);
    }

    [Fact]
    public async Task WorkingCopy_IsRebuiltOnOpen_AndDeletedOnDispose()
    {
        var folder = Path.Combine(Root, "local", QueryId, "1", "3");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "leftover"), "from a crashed silo");

        var store = await OpenAsync(-1);
        Assert.False(File.Exists(Path.Combine(folder, "leftover")));
        Assert.True(Directory.Exists(folder));
        store.Dispose();

        Assert.False(Directory.Exists(folder));
    }

    private static void AssertAllReadable(IStateStore store, int count)
    {
        for (var i = 0; i < count; i += 997)
        {
            Assert.Equal(Value(i), store.Get(Key(i)));
        }
        var seen = 0;
        foreach (var (key, value) in store.Iterate())
        {
            Assert.Equal(Key(seen), key);
            Assert.Equal(1024, value.Length);
            seen++;
        }
        Assert.Equal(count, seen);
    }

    private static byte[] Key(int i) => K($"key-{i:D8}");

    /// <summary>1 KiB that does not compress, so the state on disk is as large as the data.</summary>
    private static byte[] Value(int i)
    {
        var value = new byte[1024];
        new Random(i).NextBytes(value);
        return value;
    }
}
