using Sluice.Checkpointing;
using Sluice.Operators;
using Sluice.State;

namespace Sluice.Tests.Operators;

/// <summary>
/// The key groups of an operator run by hand (<see cref="AggregationRun"/>, <see cref="JoinRun"/>): each keeps its state
/// store and operator cache across committed batches, as a window grain does.
/// </summary>
/// <typeparam name="TStore">The store the harness works on (a wrapper of the opened one, or the opened one itself).</typeparam>
internal sealed class KeyGroupStores<TStore> : IDisposable where TStore : IStateStore
{
    private readonly StateCacheBudget? _budget;
    private readonly RocksDbStateStoreProvider? _rocksDb;
    private readonly Func<TStore, IStateStore> _unwrap;
    private OperatorCache[] _caches;

    /// <param name="budget">The silo's bound on cached entries (null: unbounded).</param>
    /// <param name="rocksDb">RocksDB stores (working copies under <paramref name="root"/>) instead of memory stores.</param>
    /// <param name="version">The committed version to open the stores at (-1: empty).</param>
    public KeyGroupStores(int keyGroups, string root, StateCacheBudget? budget, bool rocksDb, long version, Func<IStateStore, TStore> wrap, Func<TStore, IStateStore> unwrap)
    {
        _budget = budget;
        _unwrap = unwrap;
        _caches = NewCaches(keyGroups);
        var options = new StateStoreOptions { LocalRoot = Path.Combine(root, "rocksdb") };
        IStateStoreProvider provider = rocksDb ? _rocksDb = new RocksDbStateStoreProvider(options) : new MemoryStateStoreProvider(options);
        var checkpoint = new FolderCheckpointStore(root);
        Stores = [.. Enumerable.Range(0, keyGroups).Select(g => wrap(provider.OpenAsync(new StateStoreId(0, g), checkpoint, "q", version).GetAwaiter().GetResult()))];
    }

    public TStore[] Stores { get; }

    public OperatorCache Cache(int keyGroup) => _caches[keyGroup];

    /// <summary>Every key group's working state, key and value bytes in hex, sorted.</summary>
    public List<string> State() =>
        [.. Stores.SelectMany(s => _unwrap(s).Iterate()).Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order(StringComparer.Ordinal)];

    /// <summary>A batch cut short: every key group's working version is thrown away and its cache dropped.</summary>
    public void AbortAll()
    {
        foreach (var store in Stores)
        {
            store.Abort();
        }
        DropCaches();
    }

    public void DropCaches()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
        _caches = NewCaches(_caches.Length);
    }

    public void Dispose()
    {
        DropCaches();
        foreach (var store in Stores)
        {
            store.Dispose();
        }
        _rocksDb?.Dispose();
    }

    private OperatorCache[] NewCaches(int keyGroups) => [.. Enumerable.Range(0, keyGroups).Select(_ => new OperatorCache(_budget))];
}
