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

    /// <summary>
    /// A prefix scan yields a held change that sorts before the database's next key while its iterator waits on that
    /// key: a store disposed then must stop the scan, not read the disposed native iterator.
    /// </summary>
    [Fact]
    public async Task PrefixScan_DisposedWhileYieldingAHeldChange_StopsWithObjectDisposed()
    {
        Options.SnapshotInterval = 100;
        var store = await OpenAsync(-1);
        store.Put(K("p/b"), V("1"));
        await store.CommitAsync(0);
        // A whole scan writes the held change: p/b is in the database.
        Assert.Equal(["p/b=1"], Pairs(store.Iterate()));
        store.Put(K("p/a"), V("2"));
        await store.CommitAsync(1);
        using var scan = store.IteratePrefix(K("p/")).GetEnumerator();
        Assert.True(scan.MoveNext());
        Assert.Equal("p/a", S(scan.Current.Key));

        store.Dispose();

        Assert.ThrowsAny<InvalidOperationException>(() => scan.MoveNext());
    }

    /// <summary>
    /// Stores of one silo commit and scan at once on the thread pool (grains' turns) under one small budget: each reads
    /// its own committed state, the held bytes stay within the budget once they settle, and disposed stores give theirs back.
    /// </summary>
    [Fact]
    public async Task ConcurrentStores_UnderOneBudget_EachReadsItsCommittedState()
    {
        Options.WriteBehindMb = 1;
        Options.SnapshotInterval = 5;
        var provider = (RocksDbStateStoreProvider)Provider;
        var stores = new IStateStore[8];
        for (var kg = 0; kg < stores.Length; kg++)
        {
            stores[kg] = Track(await provider.OpenAsync(new StateStoreId(1, kg), Checkpoint, QueryId, -1));
        }

        await Task.WhenAll(stores.Select((store, kg) => Task.Run(async () =>
        {
            var random = new Random(100 + kg);
            var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
            for (var v = 0; v < 20; v++)
            {
                var working = new SortedDictionary<string, string>(model, StringComparer.Ordinal);
                ChangeRandomly(store, working, random, random.Next(1, 1_500));
                await store.CommitAndSnapshotAsync(v);
                model = working;
                AssertSame(model, store, random);
            }
        })));

        Assert.InRange(provider.Memory.WriteBehindBytes, 0, provider.Memory.WriteBehindBudgetBytes);
        foreach (var store in stores)
        {
            store.Dispose();
        }
        Assert.Equal(0, provider.Memory.WriteBehindBytes);
    }

    /// <summary>Every version reopens (snapshot and changelog replay, the changelogs written unsorted) as it was committed.</summary>
    [Fact]
    public async Task Reopen_AtEveryVersion_GivesThatVersionsState()
    {
        Options.SnapshotInterval = 4;
        var random = new Random(21);
        var models = new List<SortedDictionary<string, string>>();
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var store = await OpenAsync(-1);
        for (var v = 0; v < 11; v++)
        {
            ChangeRandomly(store, model, random, random.Next(1, 800));
            await store.CommitAndSnapshotAsync(v);
            models.Add(new SortedDictionary<string, string>(model, StringComparer.Ordinal));
        }
        store.Dispose();

        // Newest first: an open deletes the files after its version (never committed by the query).
        for (var v = models.Count - 1; v >= 0; v--)
        {
            using var reopened = await Provider.OpenAsync(Id, Checkpoint, QueryId, v, MinBatchesToRetain);
            AssertSame(models[v], reopened);
        }
    }

    /// <summary>
    /// A batch re-run after a crash makes the same changes in another order: its changelog (unsorted while changes are
    /// held) lists them otherwise, is accepted as the same version, and the state is the same.
    /// </summary>
    [Fact]
    public async Task Rerun_OfACommittedVersion_InAnotherOrder_GivesTheSameState()
    {
        Options.SnapshotInterval = 100;
        var store = await OpenAsync(-1);
        for (var i = 0; i < 300; i++)
        {
            store.Put(K($"w{i % 3}/u{i:D3}"), V($"{i}"));
        }
        await store.CommitAsync(0);
        var changes = Enumerable.Range(0, 300).Select(i => (Key: $"w{i % 3}/u{i:D3}", Value: i % 4 == 0 ? null : $"{i}+")).ToList();
        Apply(store, changes);
        await store.CommitAsync(1);
        var expected = Pairs(store.Iterate());
        store.Dispose();

        var rerun = await OpenAsync(0);
        changes.Reverse();
        Apply(rerun, changes);
        await rerun.CommitAsync(1);
        Assert.Equal(expected, Pairs(rerun.IteratePrefix(K("w"))));
        Assert.Equal(expected, Pairs(rerun.Iterate()));

        static void Apply(IStateStore store, List<(string Key, string? Value)> changes)
        {
            foreach (var (key, value) in changes)
            {
                if (value is null)
                {
                    store.Remove(K(key));
                }
                else
                {
                    store.Put(K(key), V(value));
                }
            }
        }
    }

    /// <summary>
    /// A key put since the last write is not in the database, so its remove needs no write; after a write that failed
    /// part way it may be there, and its remove must stay held (to hide it and to reach the database).
    /// </summary>
    [Fact]
    public void Remove_AfterAWriteFailedPartWay_StaysHeld()
    {
        var behind = new WriteBehindChanges();
        behind.Add([new SortedEntries.Entry(K("a"), V("1")) { CommittedLength = -1 }, new SortedEntries.Entry(K("b"), V("2")) { CommittedLength = -1 }], NotInDatabase);
        behind.Add([new SortedEntries.Entry(K("a"), null) { CommittedLength = 1 }], NotInDatabase);
        Assert.False(behind.TryGet(K("a"), out _));

        behind.WriteFailed();
        behind.Add([new SortedEntries.Entry(K("b"), null) { CommittedLength = 1 }], NotInDatabase);

        Assert.True(behind.TryGet(K("b"), out var value));
        Assert.Null(value);
        Assert.Equal(["b"], behind.Sorted().Select(e => S(e.Key)));
    }

    /// <summary>
    /// An operator may tell the store a key is not committed (<see cref="IStateStore.Change"/> with -1) when the
    /// database does hold it: the put is then held as new, and a later remove of the key, dropped as the end of a key
    /// that never reached the database, would let the database's old value come back (to reads, scans, and snapshots).
    /// The remove must reach the database whatever the put's length said.
    /// </summary>
    [Fact]
    public async Task Remove_OfAKeyPutAsNotCommitted_WhileTheDatabaseHoldsIt_HidesTheOldValue()
    {
        Options.SnapshotInterval = 4;
        var store = await OpenAsync(-1);
        store.Put(K("w1/a"), V("old"));
        store.Put(K("w1/b"), V("kept"));
        await store.CommitAsync(0);
        // A whole scan writes the held changes: w1/a is in the database.
        Assert.Equal(["w1/a=old", "w1/b=kept"], Pairs(store.Iterate()));
        store.Change(K("w1/a"), V("new"), committedValueLength: -1);
        await store.CommitAsync(1);

        store.Change(K("w1/a"), null, committedValueLength: 3);
        var metrics = await store.CommitAsync(2);

        // The store read RocksDB once (its own check, not an operator's read) before deciding the remove's fate.
        Assert.Equal(1, metrics.CustomMetrics["rocksdbWriteBehindCheckCount"]);
        Assert.Null(store.Get(K("w1/a")));
        Assert.Equal(["w1/b=kept"], Pairs(store.IteratePrefix(K("w1/"))));
        Assert.Equal(["w1/b=kept"], Pairs(store.Iterate()));
        // The snapshot of version 3 is written from the database.
        await store.CommitAndSnapshotAsync(3);
        store.Dispose();
        using var reopened = await OpenAsync(3);
        Assert.Equal(["w1/b=kept"], Pairs(reopened.Iterate()));
    }

    /// <summary>
    /// A window's groups put as "not committed" and removed before the next write never reached the database: the
    /// store's check reads the database only for keys its filter of written keys may hold (the keys written earlier,
    /// here with a wrong claim, and the filter's few false positives), not once per remove.
    /// </summary>
    [Fact]
    public async Task Removes_OfKeysPutSinceTheLastWrite_ReadTheDatabaseOnlyForKeysWrittenToIt()
    {
        Options.SnapshotInterval = 1_000;
        var store = await OpenAsync(-1);
        var written = Enumerable.Range(0, 200).Select(i => $"w0/u{i:D5}").ToList();
        var brief = Enumerable.Range(0, 5_000).Select(i => $"w1/u{i:D5}").ToList();
        foreach (var key in written)
        {
            store.Put(K(key), V("old"));
        }
        await store.CommitAsync(0);
        // A whole scan writes the held changes: the 200 keys are in the database.
        Assert.Equal(200, store.Iterate().Count());
        foreach (var key in brief)
        {
            store.Change(K(key), V("x"), committedValueLength: -1);
        }
        foreach (var key in written)
        {
            store.Change(K(key), V("new"), committedValueLength: -1);
        }
        await store.CommitAsync(1);

        foreach (var key in brief)
        {
            store.Change(K(key), null, committedValueLength: 1);
        }
        foreach (var key in written)
        {
            store.Change(K(key), null, committedValueLength: 3);
        }
        var metrics = await store.CommitAsync(2);

        // Every written key is read (its claim was wrong); of the 5,000 others only false positives (about 2% at the
        // filter's capacity, far fewer below it). Without the filter: 5,200.
        Assert.InRange(metrics.CustomMetrics["rocksdbWriteBehindCheckCount"], 200, 300);
        Assert.Empty(store.Iterate());
        Assert.Null(store.Get(K(written[17])));
        await store.CommitAndSnapshotAsync(3);
        store.Dispose();
        using var reopened = await OpenAsync(3);
        Assert.Empty(reopened.Iterate());
    }

    /// <summary>
    /// The filter of written keys is rebuilt from the database when more keys than it was sized for went in, while
    /// a restore loads a checkpoint (a small snapshot, then a changelog of many new keys) and while commits write:
    /// after each rebuild, a remove of any key the database holds, put with a wrong "not committed" claim, still hides
    /// its old value.
    /// </summary>
    [Fact]
    public async Task Removes_WithAWrongNotCommittedClaim_AfterTheKeyFilterIsRebuilt_HideTheOldValues()
    {
        Options.SnapshotInterval = 1_000;
        var store = await OpenAsync(-1);
        store.Put(K("a/first"), V("old"));
        await store.CommitAndSnapshotAsync(0);
        var many = Enumerable.Range(0, 3 * (int)DatabaseKeyFilter.MinCapacity).Select(i => $"b/{i:D6}").ToList();
        foreach (var key in many)
        {
            store.Put(K(key), V("old"));
        }
        await store.CommitAsync(1);
        store.Dispose();

        // The restore sizes the filter by the snapshot (one row), and the changelog of version 1 outgrows it.
        store = await OpenAsync(1);
        var version = 2L;
        version = await RemoveWithAWrongClaimAsync(store, many.Where((_, i) => i % 3 == 0), version);
        // Commits that write more new keys than the filter holds rebuild it as they write.
        var more = Enumerable.Range(0, 4 * (int)DatabaseKeyFilter.MinCapacity).Select(i => $"c/{i:D6}").ToList();
        foreach (var key in more)
        {
            store.Put(K(key), V("old"));
        }
        var metrics = await store.CommitAsync(version++);
        Assert.Equal(0, metrics.CustomMetrics["rocksdbKeyFilterRebuildCount"]);
        // A whole scan writes the held changes.
        Assert.Equal(1 + many.Count - (many.Count / 3) + more.Count, store.Iterate().Count());
        store.Put(K("d/next"), V("x"));
        metrics = await store.CommitAsync(version++);
        Assert.Equal(1, metrics.CustomMetrics["rocksdbKeyFilterRebuildCount"]);
        var removed = more.Where((_, i) => i % 5 == 0).Append("a/first").Append(many[1]).ToList();
        version = await RemoveWithAWrongClaimAsync(store, removed, version);

        Assert.Equal(V("old"), store.Get(K(many[2])));
        var expected = many.Where((_, i) => i % 3 != 0).Concat(more).Append("d/next").Except(removed).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Keys(store.Iterate()));
    }

    /// <summary>Puts each key as "not committed" (wrongly: the store holds it), removes it in the next version, and checks it is gone.</summary>
    private static async Task<long> RemoveWithAWrongClaimAsync(IStateStore store, IEnumerable<string> keys, long version)
    {
        var list = keys.ToList();
        foreach (var key in list)
        {
            store.Change(K(key), V("new"), committedValueLength: -1);
        }
        await store.CommitAsync(version++);
        foreach (var key in list)
        {
            store.Change(K(key), null, committedValueLength: 3);
        }
        await store.CommitAsync(version++);
        Assert.All(list, key => Assert.Null(store.Get(K(key))));
        var hidden = list.ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(store.Iterate(), e => hidden.Contains(S(e.Key)));
        return version;
    }

    private static bool NotInDatabase(byte[] key) => false;

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
