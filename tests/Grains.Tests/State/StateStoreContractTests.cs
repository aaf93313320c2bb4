using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>Reads, writes, iteration, abort and metrics: the contract every state store keeps.</summary>
public abstract class StateStoreContractTests : StateStoreTestBase
{
    [Fact]
    public async Task Get_AfterPut_ReturnsTheValue_AndNullForAnUnknownKey()
    {
        var store = await OpenAsync(-1);

        store.Put(K("a"), V("1"));

        Assert.Equal("1", S(store.Get(K("a"))));
        Assert.Null(store.Get(K("b")));
        Assert.Equal(-1, store.Version);
    }

    [Fact]
    public async Task Put_ExistingKey_ReplacesTheValue_BeforeAndAfterCommit()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("a"), V("2"));
        await store.CommitAsync(0);

        store.Put(K("a"), V("3"));

        Assert.Equal("3", S(store.Get(K("a"))));
        Assert.Equal(["a=3"], Pairs(store.Iterate()));
    }

    [Fact]
    public async Task Remove_CommittedKey_HidesItFromGetAndIterate()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("2"));
        await store.CommitAsync(0);

        store.Remove(K("a"));

        Assert.Null(store.Get(K("a")));
        Assert.Equal(["b"], Keys(store.Iterate()));
        await store.CommitAsync(1);
        Assert.Null(store.Get(K("a")));
        Assert.Equal(["b"], Keys(store.Iterate()));
    }

    [Fact]
    public async Task Change_WithTheCommittedLengthKnown_CountsRowsAndBytesAsPutAndRemove_AndSurvivesAReopen()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("11"));
        store.Put(K("b"), V("22"));
        await store.CommitAsync(0);

        // A new key, a committed one changed and a committed one removed, each with the length the operator knows.
        store.Change(K("c"), V("333"), committedValueLength: -1);
        store.Change(K("a"), V("44"), committedValueLength: 2);
        store.Change(K("b"), null, committedValueLength: 2);
        var metrics = await store.CommitAsync(1);

        Assert.Equal(["a=44", "c=333"], Pairs(store.Iterate()));
        Assert.Equal((2, 2, 1), (metrics.NumRowsTotal, metrics.NumRowsUpdated, metrics.NumRowsRemoved));
        Assert.Equal(1 + 2 + 1 + 3, metrics.CustomMetrics["stateOnCurrentVersionSizeBytes"]);
        store.Dispose();
        var reopened = await OpenAsync(1);
        Assert.Equal(["a=44", "c=333"], Pairs(reopened.Iterate()));
    }

    [Fact]
    public async Task WorkingChanges_AreVisibleBeforeCommit_MergedWithCommittedState()
    {
        var store = await OpenAsync(-1);
        store.Put(K("b"), V("committed"));
        store.Put(K("d"), V("committed"));
        await store.CommitAsync(0);

        store.Put(K("a"), V("new"));
        store.Put(K("d"), V("changed"));
        store.Put(K("c"), V("new"));

        Assert.Equal(["a=new", "b=committed", "c=new", "d=changed"], Pairs(store.Iterate()));
        Assert.Equal(0, store.Version);
    }

    [Fact]
    public async Task Abort_DiscardsPutsAndRemoves_AndKeepsTheCommittedVersion()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("2"));
        await store.CommitAsync(0);
        store.Put(K("a"), V("changed"));
        store.Remove(K("b"));
        store.Put(K("c"), V("new"));

        store.Abort();

        Assert.Equal(["a=1", "b=2"], Pairs(store.Iterate()));
        Assert.Equal(0, store.Version);
        var metrics = await store.CommitAsync(1);
        Assert.Equal(0, metrics.NumRowsUpdated);
        Assert.Equal(2, metrics.NumRowsTotal);
    }

    [Fact]
    public async Task Iterate_OrdersKeysAsUnsignedBytes_AcrossCommittedAndWorkingEntries()
    {
        var store = await OpenAsync(-1);
        store.Put([0x80], V("x"));
        store.Put([0x01, 0x00], V("x"));
        await store.CommitAsync(0);
        store.Put([0x7F], V("x"));
        store.Put([0xFF], V("x"));
        store.Put([0x01], V("x"));
        store.Put([], V("empty key"));

        var keys = store.Iterate().Select(e => Convert.ToHexString(e.Key)).ToList();

        Assert.Equal(["", "01", "0100", "7F", "80", "FF"], keys);
    }

    [Fact]
    public async Task IteratePrefix_ReturnsOnlyKeysStartingWithThePrefix_InOrder()
    {
        var store = await OpenAsync(-1);
        foreach (var key in new[] { "a", "ab1", "ab3", "abc", "b" })
        {
            store.Put(K(key), V(key));
        }
        await store.CommitAsync(0);
        store.Put(K("ab2"), V("ab2"));
        store.Remove(K("ab3"));
        store.Put(K("ac"), V("ac"));

        Assert.Equal(["ab1", "ab2", "abc"], Keys(store.IteratePrefix(K("ab"))));
        Assert.Equal(["a", "ab1", "ab2", "abc", "ac"], Keys(store.IteratePrefix(K("a"))));
        Assert.Empty(store.IteratePrefix(K("z")));
    }

    [Fact]
    public async Task IteratePrefix_OfAllOnes_HasNoUpperBoundAndStillFilters()
    {
        var store = await OpenAsync(-1);
        store.Put([0xFF, 0xFF], V("committed"));
        store.Put([0xFE, 0xFF], V("other"));
        await store.CommitAsync(0);
        store.Put([0xFF, 0xFF, 0x00], V("working"));
        store.Put([0xFF], V("shorter"));

        var keys = store.IteratePrefix([0xFF, 0xFF]).Select(e => Convert.ToHexString(e.Key)).ToList();

        Assert.Equal(["FFFF", "FFFF00"], keys);
    }

    [Fact]
    public async Task Iterate_WhileRemovingTheEntriesRead_SeesTheStateAtItsStart()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("2"));
        await store.CommitAsync(0);
        store.Put(K("c"), V("3"));

        var seen = new List<string>();
        foreach (var (key, _) in store.Iterate())
        {
            seen.Add(S(key));
            store.Remove(key);
            store.Put(K("z" + S(key)), V("added"));
        }

        Assert.Equal(["a", "b", "c"], seen);
        Assert.Equal(["za", "zb", "zc"], Keys(store.Iterate()));
    }

    [Fact]
    public async Task Commit_ReportsRowsUpdatedRemovedAndTotal_PerVersion()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("2"));
        store.Put(K("c"), V("3"));
        var first = await store.CommitAsync(0);

        store.Put(K("a"), V("changed"));
        store.Put(K("d"), V("4"));
        store.Remove(K("b"));
        store.Remove(K("never-existed"));
        store.Put(K("e"), V("put then removed"));
        store.Remove(K("e"));
        var second = await store.CommitAsync(1);

        Assert.Equal((3, 3, 0), (first.NumRowsTotal, first.NumRowsUpdated, first.NumRowsRemoved));
        Assert.Equal((3, 2, 1), (second.NumRowsTotal, second.NumRowsUpdated, second.NumRowsRemoved));
        Assert.True(second.MemoryUsedBytes > 0);
        Assert.True(second.CommitTimeMs >= 0);
        Assert.True(second.CustomMetrics["stateChangelogBytes"] > 0);
        Assert.Equal("a".Length + "changed".Length + 2 + 2, second.CustomMetrics["stateOnCurrentVersionSizeBytes"]);
    }

    [Fact]
    public async Task Commit_AfterReadThenWrite_CountsRowsAndBytesAsBlindWritesDo()
    {
        // Operators read a key before writing it; the store reuses what that read saw. The totals must be the same
        // as for the same writes made without reading, including reads of other keys in between.
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("22"));
        await store.CommitAsync(0);

        var a = K("a");
        Assert.Equal("1", S(store.Get(a)));
        store.Put(a, V("longer"));
        var c = K("c");
        Assert.Null(store.Get(c));
        store.Put(c, V("new"));
        var b = K("b");
        Assert.Equal("22", S(store.Get(b)));
        Assert.Null(store.Get(K("other")));
        store.Remove(b);
        var ghost = K("ghost");
        Assert.Null(store.Get(ghost));
        store.Remove(ghost);
        var metrics = await store.CommitAsync(1);

        Assert.Equal((2, 2, 1), (metrics.NumRowsTotal, metrics.NumRowsUpdated, metrics.NumRowsRemoved));
        Assert.Equal("a".Length + "longer".Length + "c".Length + "new".Length, metrics.CustomMetrics["stateOnCurrentVersionSizeBytes"]);

        // A read before the last commit says nothing about the committed value now.
        store.Put(a, V("x"));
        await store.CommitAsync(2);
        store.Remove(a);
        var third = await store.CommitAsync(3);
        Assert.Equal((1, 0, 1), (third.NumRowsTotal, third.NumRowsUpdated, third.NumRowsRemoved));
        Assert.Equal("c".Length + "new".Length, third.CustomMetrics["stateOnCurrentVersionSizeBytes"]);
    }

    [Fact]
    public async Task Commit_OfAVersionOtherThanTheNext_FailsAndKeepsTheWorkingChanges()
    {
        var store = await CommitVersionsAsync(2);
        store.Put(K("x"), V("1"));

        var skip = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(3));
        var repeat = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(1));

        Assert.Contains("is at version 1, so the next commit must be version 2, not 3", skip.Message);
        Assert.Contains("not 1", repeat.Message);
        Assert.Equal("1", S(store.Get(K("x"))));
        await store.CommitAsync(2);
        Assert.Equal(2, store.Version);
    }

    [Fact]
    public async Task Store_AfterDispose_RefusesUse()
    {
        var store = await OpenAsync(-1);

        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Get(K("a")));
        Assert.Throws<ObjectDisposedException>(() => store.Put(K("a"), V("1")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync(0));
    }

    [Fact]
    public async Task Iteration_InProgress_WhenTheStoreIsDisposed_StopsWithObjectDisposed()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("2"));
        await store.CommitAsync(0);
        using var iteration = store.Iterate().GetEnumerator();
        Assert.True(iteration.MoveNext());

        store.Dispose();

        Assert.ThrowsAny<InvalidOperationException>(() => iteration.MoveNext());
    }

    /// <summary>
    /// Versions large enough that their changelog is compressed, mixing new keys, updates, removes of committed keys and
    /// removes of keys never committed: the committed state the store applies (RocksDB: from the changelog's records)
    /// is what a map given the same changes holds, before and after a restore from the checkpoint.
    /// </summary>
    [Fact]
    public async Task LargeMixedVersions_CommitAndRestore_AsAMapGivenTheSameChanges()
    {
        var random = new Random(11);
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var store = await OpenAsync(-1);
        for (var version = 0; version < 3; version++)
        {
            for (var i = 0; i < 3000; i++)
            {
                var key = $"w{random.Next(3)}|user{random.Next(2500):D5}";
                if (random.Next(4) == 0)
                {
                    store.Remove(K(key));
                    model.Remove(key);
                }
                else
                {
                    var value = $"v{version}-{i}";
                    store.Put(K(key), V(value));
                    model[key] = value;
                }
            }
            var metrics = await store.CommitAsync(version);
            Assert.Equal(model.Count, metrics.NumRowsTotal);
            Assert.Equal(model.Select(e => $"{e.Key}={e.Value}"), Pairs(store.Iterate()));
        }
        store.Dispose();

        using var restored = await Provider.OpenAsync(Id, Checkpoint, QueryId, 2);
        Assert.Equal(model.Select(e => $"{e.Key}={e.Value}"), Pairs(restored.Iterate()));
        Assert.Equal(model.First().Value, S(restored.Get(K(model.First().Key))));
    }
}

public sealed class MemoryStateStoreContractTests : StateStoreContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);
}

public sealed class RocksDbStateStoreContractTests : StateStoreContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }
}
