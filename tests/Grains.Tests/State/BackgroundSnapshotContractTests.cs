using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>
/// Snapshots are written off the commit: a commit returns while its snapshot is still being written, restores and
/// purges use only snapshots that completed, and a store closed with one in flight stops it and loses nothing.
/// </summary>
public abstract class BackgroundSnapshotContractTests : StateStoreTestBase
{
    // A commit that waits for its snapshot would wait for the test's gate forever: this bounds the wait so it fails instead.
    private static readonly TimeSpan Stuck = TimeSpan.FromMinutes(1);

    private GatedCheckpointStore? _gated;

    private GatedCheckpointStore Gated => _gated ??= new GatedCheckpointStore(Checkpoint);

    [Fact]
    public async Task Commit_OfASnapshotVersion_ReturnsWhileTheSnapshotIsStillBeingWritten()
    {
        var store = await OpenGatedAsync(-1);
        Gated.Close();

        // SnapshotInterval is 4: version 3 starts a snapshot, held at the gate while versions 4 and 5 commit.
        await CommitAsync(store, 0, 6);

        await Gated.Reached.Task.WaitAsync(Stuck);
        Assert.DoesNotContain("3.snapshot", StateFiles());
        Gated.Open();
        await ((OverlayStateStore)store).WhenSnapshotWrittenAsync();
        Assert.Contains("3.snapshot", StateFiles());
        store.Dispose();
        File.Delete(Path.Combine(StateFolder, "2.delta"));
        Assert.Equal(Expected(6), Pairs((await OpenAsync(5)).Iterate()));
    }

    [Fact]
    public async Task Commit_MoreThanAnIntervalPastASnapshotInFlight_WaitsForIt_SoChangelogsCannotPileUp()
    {
        var store = await OpenGatedAsync(-1);
        Gated.Close();

        // SnapshotInterval is 4: version 3 starts a snapshot, held at the gate; versions 4 to 7 commit past it.
        await CommitAsync(store, 0, 8);
        await Gated.Reached.Task.WaitAsync(Stuck);
        store.Put(K("k8"), V("v8"));
        var commit = store.CommitAsync(8);
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.False(commit.IsCompleted, "version 8 is more than an interval past snapshot 3, which is still being written");
        Gated.Open();
        var metrics = await commit.WaitAsync(Stuck);
        Assert.Equal(1, metrics.CustomMetrics["stateSnapshotWaits"]);
        Assert.Contains("3.snapshot", StateFiles());
    }

    [Fact]
    public async Task Open_AfterASnapshotThatNeverCompleted_RestoresFromTheChangelogs()
    {
        var store = await OpenGatedAsync(-1);
        Gated.Close();
        await CommitAsync(store, 0, 6);
        await Gated.Reached.Task.WaitAsync(Stuck);

        await Task.Run(store.Dispose).WaitAsync(Stuck);

        Assert.Equal(["0.delta", "1.delta", "2.delta", "3.delta", "4.delta", "5.delta"], StateFiles());
        Assert.Empty(Directory.GetFiles(StateFolder, ".*"));
        var reopened = await OpenAsync(5);
        Assert.Equal(Expected(6), Pairs(reopened.Iterate()));
        reopened.Put(K("k6"), V("v6"));
        await reopened.CommitAndSnapshotAsync(6);
        Assert.Contains("6.snapshot", StateFiles());
    }

    [Fact]
    public async Task Dispose_WhileASnapshotIsInFlight_CancelsIt_AndTheStoreOpensAgain()
    {
        var store = await OpenGatedAsync(-1);
        Gated.Close();
        await CommitAsync(store, 0, 4);
        await Gated.Reached.Task.WaitAsync(Stuck);

        await Task.Run(store.Dispose).WaitAsync(Stuck);

        Assert.True(Gated.Cancelled.Task.IsCompleted, "the snapshot write was cancelled, not left running");
        Assert.Throws<ObjectDisposedException>(() => store.Get(K("k0")));
        using var reopened = await Provider.OpenAsync(Id, Checkpoint, QueryId, 3, MinBatchesToRetain);
        Assert.Equal(Expected(4), Pairs(reopened.Iterate()));
    }

    [Fact]
    public async Task Purge_WhileASnapshotIsPending_KeepsEveryChangelogSinceTheLatestWrittenSnapshot()
    {
        MinBatchesToRetain = 1;
        var store = await OpenGatedAsync(-1);
        await CommitAsync(store, 0, 4);
        await ((OverlayStateStore)store).WhenSnapshotWrittenAsync();
        Gated.Close();

        // Snapshot 7 hangs; version 11 is due one too but waits for it, and nothing before snapshot 3 may go meanwhile.
        var metrics = new List<StateStoreMetrics>();
        for (var v = 4; v < 12; v++)
        {
            store.Put(K($"k{v}"), V($"v{v}"));
            metrics.Add(await store.CommitAsync(v).WaitAsync(Stuck));
        }

        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 0], metrics.Select(m => m.CustomMetrics["stateSnapshotBytes"] > 0 ? 1 : 0));
        Assert.Equal([.. Enumerable.Range(0, 12).Select(v => $"{v}.delta").Append("3.snapshot").Order(StringComparer.Ordinal)], StateFiles());
        store.Dispose();
        Assert.Equal(Expected(12), Pairs((await OpenAsync(11)).Iterate()));
    }

    [Fact]
    public async Task Commit_AfterASnapshotFailed_ReportsIt_AndSnapshotsAgain()
    {
        var store = await OpenGatedAsync(-1);
        Gated.FailNext = true;
        await CommitAsync(store, 0, 4);
        await ((OverlayStateStore)store).WhenSnapshotWrittenAsync();

        store.Put(K("k4"), V("v4"));
        var next = await store.CommitAndSnapshotAsync(4);

        Assert.Equal(1, next.CustomMetrics["stateSnapshotFailed"]);
        Assert.True(next.CustomMetrics["stateSnapshotBytes"] > 0);
        Assert.Equal(["0.delta", "1.delta", "2.delta", "3.delta", "4.delta", "4.snapshot"], StateFiles());
    }

    private async Task<IStateStore> OpenGatedAsync(long version) =>
        Track(await Provider.OpenAsync(Id, Gated, QueryId, version, MinBatchesToRetain));

    /// <summary>Commits versions from..to-1, putting "k{v}" = "v{v}" in each.</summary>
    private static async Task CommitAsync(IStateStore store, int from, int to)
    {
        for (var v = from; v < to; v++)
        {
            store.Put(K($"k{v}"), V($"v{v}"));
            await store.CommitAsync(v).WaitAsync(Stuck);
        }
    }

    private static List<string> Expected(int versions) =>
        [.. Enumerable.Range(0, versions).OrderBy(v => $"k{v}", StringComparer.Ordinal).Select(v => $"k{v}=v{v}")];
}

public sealed class MemoryBackgroundSnapshotContractTests : BackgroundSnapshotContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);
}

public sealed class RocksDbBackgroundSnapshotContractTests : BackgroundSnapshotContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }
}
