using Sluice.Checkpointing;
using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>
/// <see cref="IStateStore.TakePrefix"/>: a closed window's groups leave the store as one prefix remove (one changelog
/// record, one RocksDB range tombstone), and every read, commit, restore and replay sees the same state a remove per
/// key gave.
/// </summary>
public abstract class PrefixRemoveContractTests : StateStoreTestBase
{
    /// <summary>Version 0: keys under "w1/" and "w2/", and "w1" itself (not under "w1/").</summary>
    private async Task<IStateStore> TwoWindowsAsync()
    {
        var store = await OpenAsync(-1);
        store.Put(K("w1"), V("x"));
        foreach (var key in new[] { "w1/a", "w1/b", "w1/c", "w2/a", "w2/b" })
        {
            store.Put(K(key), V("v-" + key));
        }
        await store.CommitAndSnapshotAsync(0);
        return store;
    }

    [Fact]
    public async Task TakePrefix_GivesTheWorkingVersionsEntries_ThenRemovesThemAsOneRecord()
    {
        var store = await TwoWindowsAsync();
        store.Put(K("w1/b"), V("changed"));
        store.Put(K("w1/d"), V("new"));
        store.Remove(K("w1/c"));

        var taken = Pairs(store.TakePrefix(K("w1/")));

        Assert.Equal(["w1/a=v-w1/a", "w1/b=changed", "w1/d=new"], taken);
        Assert.Null(store.Get(K("w1/a")));
        Assert.Null(store.Get(K("w1/d")));
        Assert.Equal(["w1=x", "w2/a=v-w2/a", "w2/b=v-w2/b"], Pairs(store.Iterate()));
        var metrics = await store.CommitAsync(1);
        // The three committed keys under the prefix are removed (w1/d was never committed); w1 is not under "w1/".
        Assert.Equal((3, 0, 3), (metrics.NumRowsTotal, metrics.NumRowsUpdated, metrics.NumRowsRemoved));
        Assert.Equal(Bytes("w1", "x") + Bytes("w2/a", "v-w2/a") + Bytes("w2/b", "v-w2/b"), metrics.CustomMetrics["stateOnCurrentVersionSizeBytes"]);
        var delta = StateFile.Parse(File.ReadAllBytes(Path.Combine(StateFolder, "1.delta")), "1.delta", StateFileKind.Delta, 1);
        Assert.Equal(1, delta.RecordCount);
        Assert.Equal(["w1=x", "w2/a=v-w2/a", "w2/b=v-w2/b"], Pairs(store.Iterate()));
    }

    [Fact]
    public async Task Restore_AcrossTheClose_GivesTheStateAfterIt_AndBeforeItAtTheEarlierVersion()
    {
        var store = await TwoWindowsAsync();
        _ = store.TakePrefix(K("w1/")).ToList();
        await store.CommitAsync(1);
        store.Put(K("w3/a"), V("3"));
        await store.CommitAsync(2);
        store.Dispose();

        var reopened = await OpenAsync(2);
        Assert.Equal(["w1=x", "w2/a=v-w2/a", "w2/b=v-w2/b", "w3/a=3"], Pairs(reopened.Iterate()));
        var metrics = await reopened.CommitAsync(3);
        Assert.Equal(4, metrics.NumRowsTotal);
        reopened.Dispose();
        Assert.Equal(["w1=x", "w1/a=v-w1/a", "w1/b=v-w1/b", "w1/c=v-w1/c", "w2/a=v-w2/a", "w2/b=v-w2/b"], Pairs((await OpenAsync(0)).Iterate()));
    }

    [Fact]
    public async Task AKeyPutAgainUnderARemovedPrefix_IsNew_AndTheRemovedOnesDoNotComeBack()
    {
        var store = await TwoWindowsAsync();
        _ = store.TakePrefix(K("w1/")).ToList();
        store.Put(K("w1/a"), V("again"));
        store.Remove(K("w1/b"));
        Assert.Equal(["w1/a=again"], Pairs(store.IteratePrefix(K("w1/"))));
        var metrics = await store.CommitAsync(1);
        Assert.Equal((4, 1, 3), (metrics.NumRowsTotal, metrics.NumRowsUpdated, metrics.NumRowsRemoved));
        Assert.Equal(["w1/a=again"], Pairs(store.IteratePrefix(K("w1/"))));
        // Later versions over the range tombstone, then a snapshot and a restore from it and the changelogs.
        for (var v = 2; v <= 5; v++)
        {
            store.Put(K($"w2/{v}"), V("v"));
            await store.CommitAndSnapshotAsync(v);
        }
        store.Dispose();
        var reopened = await OpenAsync(5);
        Assert.Equal(["w1/a=again"], Pairs(reopened.IteratePrefix(K("w1/"))));
        Assert.Null(reopened.Get(K("w1/b")));
        Assert.Equal(8, (await reopened.CommitAsync(6)).NumRowsTotal);
    }

    [Fact]
    public async Task AReplayOfTheClose_WhoseChangelogAnEarlierAttemptWrote_CommitsTheSameState()
    {
        var store = await TwoWindowsAsync();
        _ = store.TakePrefix(K("w1/")).ToList();
        await store.CommitAsync(1);
        store.Dispose();
        var written = File.ReadAllBytes(Path.Combine(StateFolder, "1.delta"));
        // The attempt died after writing its changelog and before the query committed the batch: it runs again.
        var replay = await OpenAsync(0);
        File.WriteAllBytes(Path.Combine(StateFolder, "1.delta"), written);
        Assert.Equal(["w1/a", "w1/b", "w1/c"], Keys(replay.TakePrefix(K("w1/"))));
        var metrics = await replay.CommitAsync(1);

        Assert.Equal(3, metrics.NumRowsTotal);
        Assert.Equal(["w1=x", "w2/a=v-w2/a", "w2/b=v-w2/b"], Pairs(replay.Iterate()));
        replay.Dispose();
        Assert.Equal(["w1=x", "w2/a=v-w2/a", "w2/b=v-w2/b"], Pairs((await OpenAsync(1)).Iterate()));
    }

    [Fact]
    public async Task AnAbortedClose_LeavesEveryKey()
    {
        var store = await TwoWindowsAsync();
        _ = store.TakePrefix(K("w1/")).ToList();
        store.Abort();

        Assert.Equal("v-w1/a", S(store.Get(K("w1/a"))));
        Assert.Equal(["w1/a", "w1/b", "w1/c"], Keys(store.IteratePrefix(K("w1/"))));
        Assert.Equal(6, (await store.CommitAsync(1)).NumRowsTotal);
    }

    [Fact]
    public async Task TwoPrefixesInOneVersion_OneInsideTheOther_CountEachKeyOnce()
    {
        var store = await TwoWindowsAsync();
        Assert.Equal(["w1/b"], Keys(store.TakePrefix(K("w1/b"))));
        Assert.Equal(["w1/a", "w1/c"], Keys(store.TakePrefix(K("w1/"))));
        Assert.Empty(store.TakePrefix(K("w1/c")));
        var metrics = await store.CommitAsync(1);

        Assert.Equal((3, 3), (metrics.NumRowsTotal, metrics.NumRowsRemoved));
        store.Dispose();
        Assert.Equal(["w1=x", "w2/a=v-w2/a", "w2/b=v-w2/b"], Pairs((await OpenAsync(1)).Iterate()));
    }

    /// <summary>
    /// One version closes a window and patches values: a change keeping bytes of a committed value under the removed
    /// prefix is written whole (the value it keeps bytes of is gone), one elsewhere as a patch, and both restore.
    /// </summary>
    [Fact]
    public async Task AChangeKeepingBytesUnderARemovedPrefix_IsWrittenWhole_AndAPatchBesideItRestores()
    {
        var store = await OpenAsync(-1);
        var old = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        store.Put(K("w1/a"), old);
        store.Put(K("w2/a"), old);
        await store.CommitAsync(0);
        var grown = new byte[120];
        old.CopyTo(grown, 10);
        grown[0] = 1;
        grown[119] = 2;

        _ = store.TakePrefix(K("w1/")).ToList();
        store.Change(K("w1/a"), grown, old.Length, new KeptBytes(0, 10, old.Length));
        store.Change(K("w2/a"), grown, old.Length, new KeptBytes(0, 10, old.Length));
        await store.CommitAsync(1);

        var delta = StateFile.Parse(File.ReadAllBytes(Path.Combine(StateFolder, "1.delta")), "1.delta", StateFileKind.Delta, 1);
        var ops = new List<string>();
        foreach (var record in delta)
        {
            ops.Add($"{(record.IsPrefixRemove ? "prefix remove" : record.IsPatch ? "patch" : record.IsPut ? "put" : "remove")} {System.Text.Encoding.UTF8.GetString(record.Key)}");
        }
        Assert.Equal(["prefix remove w1/", "put w1/a", "patch w2/a"], ops);
        store.Dispose();
        using var restored = await OpenAsync(1);
        Assert.Equal(grown, restored.Get(K("w1/a")));
        Assert.Equal(grown, restored.Get(K("w2/a")));
    }

    private static long Bytes(string key, string value) => K(key).Length + V(value).Length;
}

public sealed class MemoryPrefixRemoveContractTests : PrefixRemoveContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);
}

/// <summary>With the default write-behind: committed changes held in memory, the range tombstone written at once.</summary>
public sealed class RocksDbPrefixRemoveContractTests : PrefixRemoveContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }
}

/// <summary>Every commit's changes written at once, read from the changelog's records.</summary>
public sealed class RocksDbNoWriteBehindPrefixRemoveContractTests : PrefixRemoveContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        options.WriteBehindMb = 0;
        return new RocksDbStateStoreProvider(options);
    }
}
