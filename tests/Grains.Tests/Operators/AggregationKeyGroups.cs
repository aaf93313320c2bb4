using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Operators;
using Sluice.State;
using Sluice.Tests.Columnar;

namespace Sluice.Tests.Operators;

/// <summary>
/// An aggregation's key groups as window grains hold them, for equivalence tests that run two ways side by side: a
/// memory store (counting its point reads) and an operator cache each, kept across batches.
/// </summary>
internal sealed class AggregationKeyGroups : IDisposable
{
    private readonly AggregationOperator _op;
    private readonly IStateStore[] _stores;
    private readonly CountingStore[] _counted;
    private readonly OperatorCache[] _caches;
    private readonly IStatefulBatch[] _batches;
    private readonly StateCacheBudget _budget;

    public AggregationKeyGroups(AggregationOperator op, int count, long bound, string root)
    {
        _op = op;
        var provider = new MemoryStateStoreProvider(new StateStoreOptions { LocalRoot = Path.Combine(root, "local") });
        var checkpoint = new FolderCheckpointStore(root);
        _budget = new StateCacheBudget(bound);
        _stores = [.. Enumerable.Range(0, count).Select(g => provider.OpenAsync(new StateStoreId(0, g), checkpoint, "q", -1).GetAwaiter().GetResult())];
        _counted = [.. _stores.Select(s => new CountingStore(s))];
        _caches = [.. Enumerable.Range(0, count).Select(_ => new OperatorCache(_budget))];
        _batches = new IStatefulBatch[count];
    }

    /// <summary>Entries the operator caches hold against the budget.</summary>
    public long HeldEntries => _budget.Used;

    /// <summary>Store reads of groups not held, over every batch so far.</summary>
    public int Gets => _counted.Sum(s => s.Gets);

    /// <summary>Prefix scans of the store (eviction by window), over every batch so far.</summary>
    public int PrefixScans => _counted.Sum(s => s.PrefixScans);

    public void Begin()
    {
        for (var g = 0; g < _stores.Length; g++)
        {
            _batches[g] = _op.BeginBatch(_counted[g], _caches[g]);
        }
    }

    /// <summary>
    /// What a window grain's <c>ApplyAsync</c> does for each key group the router sent to; returns the payloads among
    /// them. <paramref name="copyBuffers"/>: the row path's buffers are copied first, for a router whose records another
    /// run merges into too (each side merges into what it is handed).
    /// </summary>
    public int Apply(KeyGroupRouter router, bool copyBuffers = false, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? payload = null)
    {
        var payloads = 0;
        foreach (var (group, records) in router.Groups)
        {
            _batches[group].Apply(copyBuffers ? [.. records.Select(r => new KeyedRecord(r.Key, (object?[])r.Value.Clone()))] : records);
            if (router.PartialsOf(group) is { } partials)
            {
                _batches[group].ApplyPartials(payload is null ? partials : payload(partials));
                payloads++;
            }
        }
        return payloads;
    }

    /// <summary>Every key group's output rows, in key group order and each group's order, each value through <paramref name="value"/> if given.</summary>
    public List<string> Finish(long watermarkMs, Func<object?, object?>? value = null) =>
        [.. _batches.SelectMany((batch, g) => Output(batch, watermarkMs).Select(row =>
            $"{g}: {ColumnarAggregationHarness.Describe(value is null ? row : [.. row.Select(value)])}"))];

    /// <summary>Every key group's output rows as the batches return them, in key group order.</summary>
    public List<object?[]> FinishRows(long watermarkMs) => [.. _batches.SelectMany(batch => Output(batch, watermarkMs))];

    /// <summary>
    /// Whether <see cref="Finish"/> asks the batches for their output as columns (<see cref="IStatefulBatch.FinishColumns"/>,
    /// as a window grain whose output goes straight to the sink does), read back as rows.
    /// </summary>
    public bool AsColumns { get; set; }

    /// <summary>Batches that gave their output as columns, over every batch so far.</summary>
    public int ColumnOutputs { get; private set; }

    private IReadOnlyList<object?[]> Output(IStatefulBatch batch, long watermarkMs)
    {
        if (AsColumns && batch.FinishColumns(watermarkMs, 0, _op.OutputSchema) is { } columns)
        {
            ColumnOutputs++;
            return columns;
        }
        return batch.Finish(watermarkMs, 0);
    }

    /// <summary>Every key group's working state, key and value bytes.</summary>
    public List<string> State() =>
        [.. _stores.SelectMany((store, g) => store.Iterate().Select(e => $"{g}: {Convert.ToHexString(e.Key)}={Convert.ToHexString(e.Value)}"))];

    /// <summary>A batch cut short: each working version thrown away with its cache, as the window grain does.</summary>
    public void Abort()
    {
        for (var g = 0; g < _stores.Length; g++)
        {
            _stores[g].Abort();
            _caches[g].Dispose();
        }
    }

    /// <summary>
    /// Drops every cache over the committed stores, as a window grain reactivated on the same state: the next batch
    /// rebuilds its indexes from the store and holds none of the restored groups.
    /// </summary>
    public void Restore()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
    }

    /// <summary>Commits every key group; returns each one's state metrics (rows total, updated, removed, memory bytes).</summary>
    public async Task<List<(long Total, long Updated, long Removed, long Memory)>> CommitAsync(long batchId)
    {
        var metrics = new List<(long, long, long, long)>();
        foreach (var store in _stores)
        {
            var m = await store.CommitAsync(batchId);
            metrics.Add((m.NumRowsTotal, m.NumRowsUpdated, m.NumRowsRemoved, m.MemoryUsedBytes));
        }
        return metrics;
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
        foreach (var store in _stores)
        {
            store.Dispose();
        }
        Assert.Equal(0, _budget.Used);
    }

    /// <summary>A store that counts its point reads.</summary>
    private sealed class CountingStore(IStateStore inner) : IStateStore
    {
        public int Gets { get; private set; }

        public int PrefixScans { get; private set; }

        public long Version => inner.Version;

        public byte[]? Get(byte[] key)
        {
            Gets++;
            return inner.Get(key);
        }

        public void Put(byte[] key, byte[] value) => inner.Put(key, value);

        public void Remove(byte[] key) => inner.Remove(key);

        public void Change(byte[] key, byte[]? value, int committedValueLength) => inner.Change(key, value, committedValueLength);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate() => inner.Iterate();

        public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
        {
            PrefixScans++;
            return inner.IteratePrefix(prefix);
        }

        public Task<StateStoreMetrics> CommitAsync(long version, CancellationToken cancellationToken = default) => inner.CommitAsync(version, cancellationToken);

        public void Abort() => inner.Abort();

        public void Dispose()
        {
        }
    }
}
