using System.Text;
using Sluice.Checkpointing;
using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>
/// A temp checkpoint folder and a provider per test; derived contract classes run once per store implementation,
/// as System.Threading.Channels' ChannelTestBase.
/// </summary>
public abstract class StateStoreTestBase : IDisposable
{
    private protected static readonly StateStoreId Id = new(1, 3);
    private protected const string QueryId = "q-0001";

    private readonly List<IDisposable> _disposables = [];
    private IStateStoreProvider? _provider;

    protected StateStoreTestBase()
    {
        Root = Path.Combine(Path.GetTempPath(), "sluice-state-tests", Guid.NewGuid().ToString("N"));
        Checkpoint = new FolderCheckpointStore(Path.Combine(Root, "checkpoint"));
    }

    protected string Root { get; }

    private protected FolderCheckpointStore Checkpoint { get; }

    private protected StateStoreOptions Options { get; } = new() { SnapshotInterval = 4 };

    private protected IStateStoreProvider Provider => _provider ??= Track(CreateProvider(Options));

    private protected abstract IStateStoreProvider CreateProvider(StateStoreOptions options);

    private protected string StateFolder => Path.Combine(Checkpoint.Location, "state", "1", "3");

    /// <summary>The query's minBatchesToRetain that stores opened by <see cref="OpenAsync"/> keep.</summary>
    private protected int MinBatchesToRetain { get; set; } = CheckpointRetention.DefaultMinBatchesToRetain;

    private protected async Task<IStateStore> OpenAsync(long version) =>
        Track(await Provider.OpenAsync(Id, Checkpoint, QueryId, version, MinBatchesToRetain));

    /// <summary>Opens at -1, and commits versions 0..count-1 with one put "k{v}" = "v{v}" each.</summary>
    private protected async Task<IStateStore> CommitVersionsAsync(int count)
    {
        var store = await OpenAsync(-1);
        for (var v = 0; v < count; v++)
        {
            store.Put(K($"k{v}"), V($"v{v}"));
            await store.CommitAndSnapshotAsync(v);
        }
        return store;
    }

    private protected T Track<T>(T item)
    {
        if (item is IDisposable disposable)
        {
            _disposables.Add(disposable);
        }
        return item;
    }

    private protected static byte[] K(string key) => Encoding.UTF8.GetBytes(key);

    private protected static byte[] V(string value) => Encoding.UTF8.GetBytes(value);

    private protected static string S(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    private protected static List<string> Keys(IEnumerable<KeyValuePair<byte[], byte[]>> entries) => [.. entries.Select(e => S(e.Key))];

    private protected static List<string> Pairs(IEnumerable<KeyValuePair<byte[], byte[]>> entries) =>
        [.. entries.Select(e => $"{S(e.Key)}={S(e.Value)}")];

    private protected string[] StateFiles() =>
        Directory.Exists(StateFolder) ? [.. Directory.GetFiles(StateFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    public void Dispose()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}
