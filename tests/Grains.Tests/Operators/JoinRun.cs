using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Operators.Join;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

internal sealed record JoinOutcome(List<string> Output, long Total, long Updated, long Removed, int Late);

/// <summary>
/// A stream-stream join run by hand, as agents and window grains run it: each input's rows routed per key group, then
/// per key group <c>Apply</c>, <c>Finish</c> and a store commit. Key groups keep their store and operator cache across
/// committed batches, as a window grain does (unless <c>keepCache</c> is false: rebuilt every batch);
/// <see cref="AbortAll"/> does what a window grain does for a batch cut short. Times are seconds since the epoch.
/// </summary>
internal sealed class JoinRun : IDisposable
{
    public const int KeyGroups = 3;

    private readonly QueryPlan _plan;
    private readonly bool _keepCache;
    private readonly KeyGroupStores<CountingStateStore> _groups;

    /// <param name="budget">The silo's bound on cached entries (null: unbounded).</param>
    /// <param name="version">The committed version to open the stores at (-1: empty).</param>
    /// <param name="perRow">Every row stored as its own entry, as before sides were stored per batch.</param>
    public JoinRun(string spec, string root, bool keepCache = true, StateCacheBudget? budget = null, long version = -1, bool rocksDb = false, bool perRow = false)
    {
        _plan = QueryPlanner.Plan(SpecReader.Read(spec), Sluice.Connectors.BuiltInConnectors.CreateRegistry());
        Join.BatchesRows = !perRow;
        _keepCache = keepCache;
        _groups = new KeyGroupStores<CountingStateStore>(KeyGroups, root, budget, rocksDb, version, s => new CountingStateStore(s), s => s.Inner);
    }

    public static object?[] Row(int? key, long seconds) => [key, DateTime.UnixEpoch.AddSeconds(seconds)];

    /// <summary>Entries the batches read from the stores (iterations and gets), since the last <see cref="ResetReads"/>.</summary>
    public long EntriesRead => _groups.Stores.Sum(s => s.EntriesRead);

    public void ResetReads()
    {
        foreach (var store in _groups.Stores)
        {
            store.EntriesRead = 0;
        }
    }

    private StreamJoinOperator Join => (StreamJoinOperator)_plan.Stateful!;

    /// <summary>Every key group's working state, key and value bytes in hex, sorted, as the store holds it.</summary>
    public List<string> StoredEntries() => _groups.State();

    /// <summary>The kinds of the key groups' stored entries (the first value of their keys: a side's row, batch entry or threshold).</summary>
    public HashSet<int> StoredKinds() => [.. _groups.Stores.SelectMany(s => s.Inner.Iterate()).Select(e => (int)RowCodec.Decode(e.Key)[0]!)];

    /// <summary>
    /// Every key group's stored rows, key and value bytes in hex, sorted, as if each were stored as its own entry: a
    /// side's batch entries give their rows not evicted, and the matched flag of a side that never reads it is left out
    /// (a side stored per batch does not keep it).
    /// </summary>
    public List<string> State()
    {
        var rows = new List<string>();
        foreach (var store in _groups.Stores)
        {
            var entries = store.Inner.Iterate().ToList();
            var thresholds = new long?[2];
            foreach (var (key, value) in entries)
            {
                if ((int)RowCodec.Decode(key)[0]! is var kind && kind >= SideBatch.ThresholdKind)
                {
                    thresholds[kind - SideBatch.ThresholdKind] = (long)RowCodec.Decode(value)[0]!;
                }
            }
            foreach (var (key, value) in entries)
            {
                var kind = (int)RowCodec.Decode(key)[0]!;
                if (kind >= SideBatch.ThresholdKind)
                {
                    continue;
                }
                var side = kind % 2;
                var stored = kind >= SideBatch.BatchKind ? [.. SideBatch.Decode(value)] : new List<(byte[] StateKey, byte[] Value)> { (key, value) };
                foreach (var (rowKey, rowValue) in stored)
                {
                    if (kind >= SideBatch.BatchKind && thresholds[side] is { } through && StoredJoinRow.ReadHeader(rowValue).EvictionMs <= through)
                    {
                        continue;
                    }
                    var shown = (byte[])rowValue.Clone();
                    if (!Join.Preserves(side) && !(Join.Spec.JoinType == "leftSemi" && side == StreamJoinOperator.Left))
                    {
                        shown[0] = (byte)ValueTag.False;
                    }
                    rows.Add(Convert.ToHexString(rowKey) + "=" + Convert.ToHexString(shown));
                }
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>A batch cut short: every key group's working version is thrown away and its cache dropped.</summary>
    public void AbortAll() => _groups.AbortAll();

    public async Task<JoinOutcome> BatchAsync(long batchId, long watermarkMs, List<object?[]> left, List<object?[]> right, bool commit = true)
    {
        if (!_keepCache)
        {
            _groups.DropCaches();
        }
        var batches = Enumerable.Range(0, KeyGroups).Select(g => _plan.Stateful!.BeginBatch(_groups.Stores[g], _groups.Cache(g))).ToArray();
        var late = 0;
        foreach (var (stream, rows) in new[] { (0, left), (1, right) })
        {
            var router = new KeyGroupRouter(KeyGroups);
            var lateRows = new LateRowSet();
            var copy = rows.Select(r => (object?[])r.Clone()).ToList();
            var context = new BatchContext(batchId, watermarkMs, 0) { StreamIndex = stream };
            _plan.ApplyPrefix(stream, copy, context);
            _plan.Stateful!.Route(copy, context, router, lateRows);
            late += lateRows.Dropped;
            foreach (var (group, records) in router.Groups)
            {
                batches[group].Apply(records);
            }
        }
        var output = new List<string>();
        long total = 0, updated = 0, removed = 0;
        for (var g = 0; g < KeyGroups; g++)
        {
            output.AddRange(batches[g].Finish(watermarkMs, 0).Select(Describe));
            if (commit)
            {
                var metrics = await _groups.Stores[g].CommitAsync(batchId);
                total += batches[g].RowCounts?.Total ?? metrics.NumRowsTotal;
                // As the window grain reports them.
                updated += batches[g].RowCounts?.Updated ?? metrics.NumRowsUpdated;
                removed += batches[g].RowCounts?.Removed ?? metrics.NumRowsRemoved;
            }
        }
        output.Sort(StringComparer.Ordinal);
        return new JoinOutcome(output, total, updated, removed, late);
    }

    /// <summary>Rows of <paramref name="side"/> in the key groups' join key indexes (the rest wait unindexed for a probe).</summary>
    public int IndexedRows(int side) =>
        Enumerable.Range(0, KeyGroups).Sum(g => _groups.Cache(g).Value is JoinStateCache cache ? cache.IndexedRows(side) : 0);

    /// <summary>Rows of <paramref name="side"/> the key groups' join caches hold as their batch entry only, with no object each.</summary>
    public long RowsInEntriesOnly(int side) =>
        Enumerable.Range(0, KeyGroups).Sum(g => _groups.Cache(g).Value is JoinStateCache cache ? cache.RowsInEntriesOnly(side) : 0);

    /// <summary>The rows of <paramref name="side"/> the key groups' join caches hold, with their key group's store.</summary>
    public List<(StoredJoinRow Row, IStateStore Store)> CachedRows(int side) =>
        [.. Enumerable.Range(0, KeyGroups).SelectMany(g => ((JoinStateCache)_groups.Cache(g).Value!).HeldRows(side).Select(r => (r, (IStateStore)_groups.Stores[g].Inner)))];

    /// <summary>Every stored row as the key groups' join caches hold it, with the value its store holds for it.</summary>
    public List<(StoredJoinRow Row, byte[] Stored)> HeldRows()
    {
        var held = new List<(StoredJoinRow, byte[])>();
        for (var g = 0; g < KeyGroups; g++)
        {
            var cache = (JoinStateCache)_groups.Cache(g).Value!;
            foreach (var (key, value) in _groups.Stores[g].Inner.Iterate())
            {
                var keyValues = RowCodec.Decode(key);
                held.Add((cache.RowsOf((int)keyValues[0]!, (byte[])keyValues[1]!).Single(r => r.StateKey.AsSpan().SequenceEqual(key)), value));
            }
        }
        return held;
    }

    public void Dispose() => _groups.Dispose();

    /// <summary>"key@seconds|key@seconds" for a joined row, "key@seconds" for a semi join's.</summary>
    private static string Describe(object?[] row) => string.Join("|", row.Chunk(2).Select(pair => pair[0] is null && pair[1] is null ? "null" : $"{pair[0] ?? "null"}@{Seconds(pair[1])}"));

    private static string Seconds(object? time) => time switch
    {
        DateTime t => ((long)(t - DateTime.UnixEpoch).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        StructValue { Values: [DateTime start, ..] } => ((long)(start - DateTime.UnixEpoch).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "null",
    };

    /// <summary>A store that counts the entries read from it, to show which batches read the state.</summary>
    private sealed class CountingStateStore(IStateStore inner) : IStateStore
    {
        public IStateStore Inner => inner;

        public long EntriesRead { get; set; }

        public long Version => inner.Version;

        public byte[]? Get(byte[] key)
        {
            EntriesRead++;
            return inner.Get(key);
        }

        public void Put(byte[] key, byte[] value) => inner.Put(key, value);

        public void Remove(byte[] key) => inner.Remove(key);

        public void Change(byte[] key, byte[]? value, int committedValueLength) => inner.Change(key, value, committedValueLength);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate() => Count(inner.Iterate());

        public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix) => Count(inner.IteratePrefix(prefix));

        public Task<StateStoreMetrics> CommitAsync(long version, CancellationToken cancellationToken = default) => inner.CommitAsync(version, cancellationToken);

        public void Abort() => inner.Abort();

        public void Dispose() => inner.Dispose();

        private IEnumerable<KeyValuePair<byte[], byte[]>> Count(IEnumerable<KeyValuePair<byte[], byte[]>> entries)
        {
            foreach (var entry in entries)
            {
                EntriesRead++;
                yield return entry;
            }
        }
    }
}
