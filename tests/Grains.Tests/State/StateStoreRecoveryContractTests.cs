using Sluice.Checkpointing;
using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>Restore from the checkpoint, discarding uncommitted versions, and refusing damaged files.</summary>
public abstract class StateStoreRecoveryContractTests : StateStoreTestBase
{
    [Fact]
    public async Task Open_AtACommittedVersion_RestoresItsEntries()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), V("1"));
        store.Put(K("b"), V("2"));
        await store.CommitAsync(0);
        store.Remove(K("a"));
        store.Put(K("c"), V("3"));
        await store.CommitAsync(1);
        store.Dispose();

        var reopened = await OpenAsync(1);

        Assert.Equal(1, reopened.Version);
        Assert.Equal(["b=2", "c=3"], Pairs(reopened.Iterate()));
        Assert.Equal("3", S(reopened.Get(K("c"))));
        var metrics = await reopened.CommitAsync(2);
        Assert.Equal(2, metrics.NumRowsTotal);
    }

    [Fact]
    public async Task Open_AtAnEarlierVersion_DiscardsTheLaterVersionsFiles()
    {
        (await CommitVersionsAsync(3)).Dispose();

        var reopened = await OpenAsync(1);

        Assert.Equal(["k0=v0", "k1=v1"], Pairs(reopened.Iterate()));
        Assert.Equal(["0.delta", "1.delta"], StateFiles());
        reopened.Put(K("replayed"), V("2"));
        await reopened.CommitAsync(2);
        reopened.Dispose();
        Assert.Equal(["k0=v0", "k1=v1", "replayed=2"], Pairs((await OpenAsync(2)).Iterate()));
    }

    [Fact]
    public async Task Open_AtMinusOne_IsEmptyAndDeletesEveryFile()
    {
        (await CommitVersionsAsync(2)).Dispose();

        var store = await OpenAsync(-1);

        Assert.Empty(store.Iterate());
        Assert.Equal(-1, store.Version);
        Assert.Empty(StateFiles());
    }

    [Fact]
    public async Task Open_AfterMoreVersionsThanTheSnapshotInterval_RestoresEveryVersionFromSnapshotAndChangelogs()
    {
        // SnapshotInterval is 4: snapshots of versions 3 and 7, a changelog for every version.
        var store = await OpenAsync(-1);
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var history = new List<List<string>>();
        for (var v = 0; v < 10; v++)
        {
            store.Put(K($"k{v}"), V($"v{v}"));
            store.Put(K("k0"), V($"touched in {v}"));
            model[$"k{v}"] = $"v{v}";
            model["k0"] = $"touched in {v}";
            if (v % 3 == 2)
            {
                store.Remove(K($"k{v - 1}"));
                model.Remove($"k{v - 1}");
            }
            var metrics = await store.CommitAndSnapshotAsync(v);
            Assert.Equal(model.Count, metrics.NumRowsTotal);
            Assert.Equal(v is 3 or 7, metrics.CustomMetrics["stateSnapshotBytes"] > 0);
            history.Add([.. model.Select(e => $"{e.Key}={e.Value}")]);
        }
        store.Dispose();
        Assert.Contains("3.snapshot", StateFiles());
        Assert.Contains("7.snapshot", StateFiles());

        // Downwards, since opening at a version deletes the files after it.
        for (var v = 9; v >= 0; v--)
        {
            using var reopened = await Provider.OpenAsync(Id, Checkpoint, QueryId, v);
            Assert.Equal(history[v], Pairs(reopened.Iterate()));
            Assert.DoesNotContain($"{v + 1}.delta", StateFiles());
        }
    }

    [Fact]
    public async Task Commit_AfterASnapshotPastTheRetention_DeletesFilesNoRestoreNeeds()
    {
        MinBatchesToRetain = 4;
        (await CommitVersionsAsync(12)).Dispose();

        // Restoring versions 11 - 4 = 7 to 11 needs snapshot 7 and the changelogs after it.
        Assert.Equal(["10.delta", "11.delta", "11.snapshot", "7.delta", "7.snapshot", "8.delta", "9.delta"], StateFiles());
        var store = await OpenAsync(7);
        Assert.Equal(8, store.Iterate().Count());
    }

    [Fact]
    public async Task Commit_RetainingOneBatch_KeepsTheSnapshotAndChangelogsTheVersionBeforeNeeds()
    {
        MinBatchesToRetain = 1;
        (await CommitVersionsAsync(12)).Dispose();

        // Version 11 is a snapshot, yet a replay of batch 11 (it failed after the store committed) opens version 10:
        // snapshot 7 and changelogs 8..10 stay; everything before snapshot 7 goes.
        Assert.Equal(["10.delta", "11.delta", "11.snapshot", "7.delta", "7.snapshot", "8.delta", "9.delta"], StateFiles());
        Assert.Equal(11, (await OpenAsync(10)).Iterate().Count());
    }

    [Fact]
    public async Task Open_WithAChangelogMissingBetweenSnapshotAndVersion_FailsNamingIt()
    {
        (await CommitVersionsAsync(7)).Dispose();
        File.Delete(Path.Combine(StateFolder, "5.delta"));

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(6));

        Assert.Contains("5.delta", error.Message);
        Assert.Contains("snapshot 3", error.Message);
    }

    [Fact]
    public async Task Open_AtAVersionWithNoFiles_FailsRatherThanStartingEmpty()
    {
        (await CommitVersionsAsync(2)).Dispose();
        File.Delete(Path.Combine(StateFolder, "1.delta"));

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(1));

        Assert.Contains("1.delta", error.Message);
        Assert.Contains("neither a changelog nor a snapshot", error.Message);
    }

    [Fact]
    public async Task Open_OfAStoreThatNeverCommitted_Fails()
    {
        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(0));

        Assert.Contains("0.delta", error.Message);
    }

    [Theory]
    [InlineData("truncated", "trailer")]
    [InlineData("flipped", "checksum")]
    [InlineData("empty", "shorter than")]
    [InlineData("header", "header")]
    public async Task Open_WithADamagedChangelog_FailsNamingTheFileAndProblem(string damage, string problem)
    {
        (await CommitVersionsAsync(2)).Dispose();
        var path = Path.Combine(StateFolder, "1.delta");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "truncated" => bytes[..^5],
            "flipped" => Flip(bytes, 20),
            "empty" => [],
            _ => Flip(bytes, 0),
        });

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(1));

        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public async Task Open_WithADamagedSnapshot_Fails()
    {
        (await CommitVersionsAsync(5)).Dispose();
        var path = Path.Combine(StateFolder, "3.snapshot");
        File.WriteAllBytes(path, Flip(File.ReadAllBytes(path), 30));

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(4));

        Assert.Contains("3.snapshot", error.Message);
    }

    [Fact]
    public async Task Open_WithAChangelogRenamedToAnotherVersion_Fails()
    {
        (await CommitVersionsAsync(2)).Dispose();
        File.Move(Path.Combine(StateFolder, "0.delta"), Path.Combine(StateFolder, "9.delta"));
        File.Copy(Path.Combine(StateFolder, "1.delta"), Path.Combine(StateFolder, "0.delta"));

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(1));

        Assert.Contains("name says Delta of version 0", error.Message);
    }

    [Fact]
    public async Task Commit_OfAVersionAnotherActivationWroteDifferently_Fails()
    {
        (await CommitVersionsAsync(1)).Dispose();
        var store = await OpenAsync(0);
        // Another activation commits version 1 after this one opened.
        File.WriteAllBytes(Path.Combine(StateFolder, "1.delta"), File.ReadAllBytes(Path.Combine(StateFolder, "0.delta")));

        store.Put(K("x"), V("other"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(1));

        Assert.Contains("already written with different content", error.Message);
    }

    [Fact]
    public async Task Commit_OfAVersionAlreadyWrittenWithTheSameBytes_Succeeds()
    {
        var first = await CommitVersionsAsync(2);
        first.Dispose();
        var written = File.ReadAllBytes(Path.Combine(StateFolder, "1.delta"));
        var store = await OpenAsync(0);
        // A replay of batch 1 whose changelog an earlier attempt already wrote.
        File.WriteAllBytes(Path.Combine(StateFolder, "1.delta"), written);

        store.Put(K("k1"), V("v1"));
        await store.CommitAsync(1);

        Assert.Equal(1, store.Version);
        Assert.Equal(["k0=v0", "k1=v1"], Pairs(store.Iterate()));
    }

    [Fact]
    public async Task Commit_OfAVersionAnEarlierAttemptWroteWithTheSameChangesInAnotherOrder_Succeeds()
    {
        (await CommitVersionsAsync(1)).Dispose();
        var store = await OpenAsync(0);
        // An earlier attempt of batch 1 wrote its changelog, holding the changes in an order this attempt need not repeat.
        var earlier = new StateFileWriter(StateFileKind.Delta, 1);
        earlier.Put(K("z"), V("1"));
        earlier.Remove(K("k0"));
        earlier.Put(K("a"), V("2"));
        File.WriteAllBytes(Path.Combine(StateFolder, "1.delta"), earlier.Finish(2, 4).ToArray());

        store.Put(K("a"), V("2"));
        store.Remove(K("k0"));
        store.Put(K("z"), V("1"));
        var metrics = await store.CommitAsync(1);

        Assert.Equal((2, 2, 1), (metrics.NumRowsTotal, metrics.NumRowsUpdated, metrics.NumRowsRemoved));
        Assert.Equal(["a=2", "z=1"], Pairs(store.Iterate()));
        store.Dispose();
        Assert.Equal(["a=2", "z=1"], Pairs((await OpenAsync(1)).Iterate()));
    }

    [Fact]
    public async Task Commit_OfAVersionAnEarlierAttemptWroteWithTheSameKeysButAnotherValue_Fails()
    {
        (await CommitVersionsAsync(1)).Dispose();
        var store = await OpenAsync(0);
        var earlier = new StateFileWriter(StateFileKind.Delta, 1);
        earlier.Put(K("z"), V("1"));
        earlier.Put(K("a"), V("3"));
        File.WriteAllBytes(Path.Combine(StateFolder, "1.delta"), earlier.Finish(3, 8).ToArray());

        store.Put(K("a"), V("2"));
        store.Put(K("z"), V("1"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(1));

        Assert.Contains("already written with different content", error.Message);
    }

    /// <summary>
    /// Files of state file format 1 as the store wrote them before snapshots moved off the commit (versions 0..5,
    /// snapshot 3): a checkpoint of that Sluice resumes, reading and extending them.
    /// </summary>
    private static readonly Dictionary<string, string> FormatOneFiles = new()
    {
        ["0.delta"] = "534c535401000100000000000000000001020000006b300c000000746f756368656420696e2030010000000000000001000000000000000e000000000000008ca729fd534c4e44",
        ["1.delta"] = "534c535401000100010000000000000001020000006b300c000000746f756368656420696e203101020000006b310200000076310200000000000000020000000000000012000000000000006a88dc01534c4e44",
        ["2.delta"] = "534c535401000100020000000000000001020000006b300c000000746f756368656420696e203202020000006b3101020000006b32020000007632030000000000000002000000000000001200000000000000d0730657534c4e44",
        ["3.delta"] = "534c535401000100030000000000000001020000006b300c000000746f756368656420696e203301020000006b33020000007633020000000000000003000000000000001600000000000000ef59c7c0534c4e44",
        ["3.snapshot"] = "534c535401000200030000000000000001020000006b300c000000746f756368656420696e203301020000006b3202000000763201020000006b330200000076330300000000000000030000000000000016000000000000003b5eaeb5534c4e44",
        ["4.delta"] = "534c535401000100040000000000000001020000006b300c000000746f756368656420696e203401020000006b34020000007634020000000000000004000000000000001a0000000000000071de0649534c4e44",
        ["5.delta"] = "534c535401000100050000000000000001020000006b300c000000746f756368656420696e203502020000006b3401020000006b35020000007635030000000000000004000000000000001a00000000000000efba0b94534c4e44",
    };

    [Fact]
    public async Task Open_OfACheckpointWrittenByTheEarlierStore_ResumesFromIt()
    {
        Directory.CreateDirectory(StateFolder);
        foreach (var (name, hex) in FormatOneFiles)
        {
            File.WriteAllBytes(Path.Combine(StateFolder, name), Convert.FromHexString(hex));
        }

        var store = await OpenAsync(5);

        Assert.Equal(["k0=touched in 5", "k2=v2", "k3=v3", "k5=v5"], Pairs(store.Iterate()));
        store.Put(K("k6"), V("v6"));
        var metrics = await store.CommitAndSnapshotAsync(6);
        Assert.Equal(5, metrics.NumRowsTotal);
        store.Dispose();
        Assert.Equal(["k0=touched in 5", "k2=v2", "k3=v3", "k5=v5", "k6=v6"], Pairs((await OpenAsync(6)).Iterate()));
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0x5A;
        return copy;
    }
}

public sealed class MemoryStateStoreRecoveryContractTests : StateStoreRecoveryContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);
}

public sealed class RocksDbStateStoreRecoveryContractTests : StateStoreRecoveryContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }
}
