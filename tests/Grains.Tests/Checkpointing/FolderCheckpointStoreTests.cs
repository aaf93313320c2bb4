using Sluice.Checkpointing;

namespace Sluice.Tests.Checkpointing;

/// <summary>The folder store makes each new file durable: written through, moved into place, then the folder synced.</summary>
public sealed class FolderCheckpointStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-folder-store", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TryCreate_SyncsTheFolderOnceTheFileIsInPlace()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "commits"));
        var synced = new List<(string Folder, bool FileThere)>();
        var store = new FolderCheckpointStore(_folder, folder =>
        {
            synced.Add((folder, File.Exists(Path.Combine(folder, "7"))));
            return true;
        });

        Assert.True(await store.TryCreateAsync("commits/7", "v1\n{}"));

        Assert.Equal([(Path.Combine(_folder, "commits"), true)], synced);
    }

    [Fact]
    public async Task TryCreate_SyncsOnAnIoThread_NotOnTheThreadPoolItsCallerRunsOn()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "offsets"));
        var syncedOnPool = new List<bool>();
        var store = new FolderCheckpointStore(_folder, _ =>
        {
            syncedOnPool.Add(Thread.CurrentThread.IsThreadPoolThread);
            return true;
        });

        // Called as the coordinator calls it, from the pool (a grain's turn): a blocked sync there holds a worker the
        // batch's agents need.
        Assert.True(await Task.Run(() => store.TryCreateAsync("offsets/3", "v1\n{}")));

        Assert.Equal([false], syncedOnPool);
        Assert.Equal("v1\n{}", await store.ReadAsync("offsets/3"));
    }

    [Fact]
    public async Task TryCreate_Cancelled_LeavesNeitherTheFileNorItsTempFile()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "state"));
        var store = new FolderCheckpointStore(_folder, _ => true);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        // A state snapshot given up when its store closes: a big temp file must not stay behind, hidden.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryCreateBytesAsync("state/9.snapshot", new byte[1 << 20], cancel.Token));

        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "state")));
    }

    [Fact]
    public async Task TryCreate_InNewFolders_SyncsEachParentThatGotAnEntry()
    {
        Directory.CreateDirectory(_folder);
        var synced = new List<string>();
        var store = new FolderCheckpointStore(_folder, folder =>
        {
            synced.Add(folder);
            return true;
        });

        Assert.True(await store.TryCreateBytesAsync("state/0/3/1.delta", new byte[] { 1 }));

        var state = Path.Combine(_folder, "state");
        Assert.Equal([_folder, state, Path.Combine(state, "0"), Path.Combine(state, "0", "3")], synced);
    }

    [Fact]
    public async Task TryCreate_OfAFileThatExists_SyncsNothing()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "offsets"));
        var syncs = 0;
        var store = new FolderCheckpointStore(_folder, _ => ++syncs > 0);
        await store.TryCreateAsync("offsets/0", "first");

        Assert.False(await store.TryCreateAsync("offsets/0", "second"));

        Assert.Equal(1, syncs);
        Assert.Equal("first", await store.ReadAsync("offsets/0"));
    }

    [Fact]
    public void DirectorySync_OnLinux_FsyncsARealFolder()
    {
        Directory.CreateDirectory(_folder);

        var synced = DirectorySync.Flush(_folder);

        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD(), synced);
    }

    [Fact]
    public void DirectorySync_OfAMissingFolder_FailsNamingIt()
    {
        var missing = Path.Combine(_folder, "missing");

        var e = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));

        Assert.StartsWith($"Cannot open folder '{missing}' to sync it to disk", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
