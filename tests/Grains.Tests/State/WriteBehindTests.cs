using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>
/// The RocksDB store holds committed changes in memory up to <see cref="StateStoreOptions.WriteBehindMb"/> before
/// writing them to its database (<see cref="WriteBehindChanges"/>): reads, scans, snapshots and restores must see exactly
/// the committed state either way.
/// </summary>
public sealed class WriteBehindTests : StateStoreTestBase
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }

    [Fact]
    public async Task Commits_OfKeysChangedEveryVersion_WriteNothingToTheDatabaseUntilASnapshot()
    {
        Options.SnapshotInterval = 5;
        var store = await OpenAsync(-1);
        var puts = new List<long>();
        for (var v = 0; v < 5; v++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                store.Put(K($"key-{i:D8}"), V($"{i}@{v}"));
            }
            // A key put and removed before any write never reaches the database.
            store.Put(K($"brief{v}"), V("x"));
            if (v > 0)
            {
                store.Remove(K($"brief{v - 1}"));
            }
            var metrics = await store.CommitAndSnapshotAsync(v);
            puts.Add(metrics.CustomMetrics["rocksdbPutCount"]);
            Assert.Equal(1_001, metrics.NumRowsTotal);
        }

        // Versions 0-3 only held their changes; version 4 started a snapshot, which wrote the latest value of each key
        // once (1,000 keys and brief4; brief0-3 never reached the database).
        Assert.Equal([0, 0, 0, 0, 1_001], puts);
        Assert.Equal(V("17@4"), store.Get(K("key-00000017")));
        Assert.Null(store.Get(K("brief2")));
    }

    [Fact]
    public async Task Restore_OfACheckpointWrittenWithoutWriteBehind_ResumesWithIt()
    {
        // A checkpoint of an earlier build: its changelogs and snapshots are the same files (write-behind changes no
        // file), written by a store that wrote every commit to its database at once.
        Options.WriteBehindMb = 0;
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var old = await OpenAsync(-1);
        var random = new Random(7);
        for (var v = 0; v < 7; v++)
        {
            ChangeRandomly(old, model, random, 300);
            await old.CommitAndSnapshotAsync(v);
        }
        old.Dispose();

        using var provider = new RocksDbStateStoreProvider(new StateStoreOptions { SnapshotInterval = 4, LocalRoot = Path.Combine(Root, "local2") });
        using var resumed = await provider.OpenAsync(Id, Checkpoint, QueryId, 6);
        AssertSame(model, resumed);
        for (var v = 7; v < 12; v++)
        {
            ChangeRandomly(resumed, model, random, 300);
            await resumed.CommitAndSnapshotAsync(v);
            AssertSame(model, resumed);
        }
    }

    /// <summary>
    /// Random puts, removes, aborts, prefix scans, snapshots and reopenings against a model of the committed state, with
    /// a budget small enough that some commits write their changes and others hold them.
    /// </summary>
    [Theory]
    [InlineData(1, 11)]
    [InlineData(1, 12)]
    [InlineData(64, 13)]
    [InlineData(0, 14)]
    public async Task RandomChanges_ReadAsTheCommittedState(int writeBehindMb, int seed)
    {
        Options.WriteBehindMb = writeBehindMb;
        Options.SnapshotInterval = 3;
        var random = new Random(seed);
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var store = await OpenAsync(-1);
        for (var v = 0; v < 25; v++)
        {
            if (random.Next(4) == 0)
            {
                // An attempt thrown away: its changes never show.
                ChangeRandomly(store, new SortedDictionary<string, string>(model, StringComparer.Ordinal), random, 200);
                store.Abort();
            }
            var working = new SortedDictionary<string, string>(model, StringComparer.Ordinal);
            ChangeRandomly(store, working, random, random.Next(1, 3_000));
            // Mid-version, reads see the working changes over the committed ones (held or in the database).
            AssertSame(working, store, random);
            var metrics = await store.CommitAndSnapshotAsync(v);
            model = working;
            Assert.Equal(model.Count, metrics.NumRowsTotal);
            AssertSame(model, store, random);
            if (random.Next(6) == 0)
            {
                store.Dispose();
                store = await OpenAsync(v);
                AssertSame(model, store, random);
            }
        }
    }

    private static void ChangeRandomly(IStateStore store, SortedDictionary<string, string> model, Random random, int changes)
    {
        for (var c = 0; c < changes; c++)
        {
            // Keys share prefixes (as a window's groups do), so prefix scans cross held changes and the database.
            var key = $"w{random.Next(6)}/u{random.Next(400):D3}";
            if (random.Next(3) == 0)
            {
                store.Remove(K(key));
                model.Remove(key);
            }
            else
            {
                // Values of up to a few KiB, so a 1 MiB budget is crossed now and then.
                var value = $"{key}:{random.Next()}" + new string('x', random.Next(2) == 0 ? 0 : random.Next(4_000));
                if (random.Next(2) == 0)
                {
                    // Read then write, as operators do (the commit then knows the committed length).
                    _ = store.Get(K(key));
                }
                store.Put(K(key), V(value));
                model[key] = value;
            }
        }
    }

    private static void AssertSame(SortedDictionary<string, string> model, IStateStore store, Random? random = null)
    {
        for (var w = 0; w < 6; w++)
        {
            var prefix = $"w{w}/u{random?.Next(4) ?? 0}";
            Assert.Equal(model.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => $"{e.Key}={e.Value}").ToList(),
                Pairs(store.IteratePrefix(K(prefix))));
        }
        for (var u = 0; u < 400; u += random?.Next(1, 20) ?? 7)
        {
            var key = $"w{u % 6}/u{u:D3}";
            Assert.Equal(model.TryGetValue(key, out var value) ? value : null, store.Get(K(key)) is { } bytes ? S(bytes) : null);
        }
        // Last, and now and then: a whole scan writes the held changes to the database first, so without it they pile
        // up over versions (and the next commits find committed lengths among them).
        if (random is null || random.Next(3) == 0)
        {
            Assert.Equal(model.Select(e => $"{e.Key}={e.Value}").ToList(), Pairs(store.Iterate()));
        }
    }
}
