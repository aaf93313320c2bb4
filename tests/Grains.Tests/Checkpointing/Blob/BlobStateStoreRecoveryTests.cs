using System.Text;
using Azure.Storage.Blobs.Models;
using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.State;
using Sluice.Tests.State;

namespace Sluice.Tests.Checkpointing.Blob;

/// <summary>
/// State changelogs and snapshots in a blob checkpoint: restore, discarding uncommitted versions, retention and damage.
/// (The full recovery contract in State/ damages files through the folder, so it runs on folders only.)
/// </summary>
public abstract class BlobStateStoreRecoveryTests : IDisposable
{
    private static readonly StateStoreId Id = new(1, 3);
    private readonly List<IDisposable> _disposables = [];
    private IStateStoreProvider? _provider;

    private protected BlobStateStoreRecoveryTests(AzuriteContainer azurite) => Checkpoint = azurite.NewStore();

    private protected BlobCheckpointStore Checkpoint { get; }

    private protected StateStoreOptions Options { get; } = new() { SnapshotInterval = 4 };

    private IStateStoreProvider Provider => _provider ??= Track(CreateProvider(Options));

    private protected abstract IStateStoreProvider CreateProvider(StateStoreOptions options);

    [Fact]
    public async Task Open_AfterMoreVersionsThanTheSnapshotInterval_RestoresEveryVersion()
    {
        var store = await OpenAsync(-1);
        var history = new List<List<string>>();
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var v = 0; v < 10; v++)
        {
            store.Put(B($"k{v}"), B($"v{v}"));
            model[$"k{v}"] = $"v{v}";
            if (v % 3 == 2)
            {
                store.Remove(B($"k{v - 1}"));
                model.Remove($"k{v - 1}");
            }
            await store.CommitAndSnapshotAsync(v);
            history.Add([.. model.Select(e => $"{e.Key}={e.Value}")]);
        }
        store.Dispose();
        Assert.Contains("3.snapshot", await StateFilesAsync());
        Assert.Contains("7.snapshot", await StateFilesAsync());

        // Downwards, since opening at a version deletes the files after it.
        for (var v = 9; v >= 0; v--)
        {
            using var reopened = await Provider.OpenAsync(Id, Checkpoint, "q", v);
            Assert.Equal(history[v], Pairs(reopened));
            Assert.DoesNotContain($"{v + 1}.delta", await StateFilesAsync());
        }
    }

    [Fact]
    public async Task Open_AtMinusOne_IsEmptyAndDeletesEveryBlob()
    {
        (await CommitVersionsAsync(2)).Dispose();

        var store = await OpenAsync(-1);

        Assert.Empty(store.Iterate());
        Assert.Empty(await StateFilesAsync());
    }

    [Fact]
    public async Task Commit_AfterASnapshotPastTheRetention_DeletesBlobsNoRestoreNeeds()
    {
        _minBatchesToRetain = 4;
        (await CommitVersionsAsync(12)).Dispose();

        Assert.Equal(["10.delta", "11.delta", "11.snapshot", "7.delta", "7.snapshot", "8.delta", "9.delta"], await StateFilesAsync());
        Assert.Equal(8, (await OpenAsync(7)).Iterate().Count());
    }

    [Fact]
    public async Task Open_WithAMissingChangelog_FailsNamingTheBlob()
    {
        (await CommitVersionsAsync(2)).Dispose();
        await Checkpoint.DeleteAsync($"{Id.CheckpointDirectory}/1.delta");

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(1));

        Assert.Contains($"{Checkpoint.Location}/{Id.CheckpointDirectory}/1.delta", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WithADamagedChangelog_FailsNamingTheBlobAndProblem()
    {
        (await CommitVersionsAsync(2)).Dispose();
        var path = $"{Id.CheckpointDirectory}/1.delta";
        var bytes = (await Checkpoint.ReadBytesAsync(path))!;
        bytes[20] ^= 0x5A;
        await Checkpoint.Blob(path).UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions());

        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(1));

        Assert.Contains($"{Checkpoint.Location}/{path}", error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_OfAVersionAlreadyWrittenWithTheSameBytes_Succeeds()
    {
        (await CommitVersionsAsync(2)).Dispose();
        var path = $"{Id.CheckpointDirectory}/1.delta";
        var written = (await Checkpoint.ReadBytesAsync(path))!;
        var store = await OpenAsync(0);
        // A replay of batch 1 whose changelog an earlier attempt already wrote.
        Assert.True(await Checkpoint.TryCreateBytesAsync(path, written));

        store.Put(B("k1"), B("v1"));
        await store.CommitAsync(1);

        Assert.Equal(["k0=v0", "k1=v1"], Pairs(store));
    }

    private int _minBatchesToRetain = CheckpointRetention.DefaultMinBatchesToRetain;

    private async Task<IStateStore> OpenAsync(long version) => Track(await Provider.OpenAsync(Id, Checkpoint, "q", version, _minBatchesToRetain));

    private async Task<IStateStore> CommitVersionsAsync(int count)
    {
        var store = await OpenAsync(-1);
        for (var v = 0; v < count; v++)
        {
            store.Put(B($"k{v}"), B($"v{v}"));
            await store.CommitAndSnapshotAsync(v);
        }
        return store;
    }

    private async Task<string[]> StateFilesAsync() =>
        [.. (await Checkpoint.ListAsync(Id.CheckpointDirectory)).Order(StringComparer.Ordinal)];

    private T Track<T>(T item)
    {
        if (item is IDisposable disposable)
        {
            _disposables.Add(disposable);
        }
        return item;
    }

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static List<string> Pairs(IStateStore store) =>
        [.. store.Iterate().Select(e => $"{Encoding.UTF8.GetString(e.Key)}={Encoding.UTF8.GetString(e.Value)}")];

    public virtual void Dispose()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class MemoryBlobStateStoreRecoveryTests(AzuriteContainer azurite) : BlobStateStoreRecoveryTests(azurite), IClassFixture<AzuriteContainer>
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);
}

public sealed class RocksDbBlobStateStoreRecoveryTests(AzuriteContainer azurite) : BlobStateStoreRecoveryTests(azurite), IClassFixture<AzuriteContainer>
{
    private readonly string _local = Path.Combine(Path.GetTempPath(), "sluice-blob-state-tests", Guid.NewGuid().ToString("N"));

    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = _local;
        return new RocksDbStateStoreProvider(options);
    }

    public override void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_local))
        {
            Directory.Delete(_local, recursive: true);
        }
    }
}
