using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;

namespace Sluice.Tests.Operators;

/// <param name="StoreGets">Point reads of the committed state the batch made: RocksDB's, and those its held changes
/// answered (RocksDB stores only).</param>
/// <param name="RowCounts">The operator's own state row counts over the key groups (null: it leaves them to the store).</param>
/// <param name="OperatorMetrics">The operator's own custom metrics, summed over the key groups.</param>
internal sealed record AggregationOutcome(List<string> Output, long StateRows, int Late, long StoreGets = 0, StateRowCounts? RowCounts = null,
    IReadOnlyDictionary<string, long>? OperatorMetrics = null);

/// <summary>
/// A stateful operator's two halves run by hand, as agents and window grains run them: <c>Route</c> per partition,
/// then per key group <c>Apply</c> of every partition's records, <c>Finish</c> and a store commit. Key groups keep
/// their state store and operator cache across committed batches, as a window grain does; <see cref="AbortAll"/> does
/// what a window grain does for a batch cut short (abort the working version, drop the cache).
/// </summary>
internal sealed class AggregationRun : IDisposable
{
    public const int KeyGroups = 4;
    public static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly QueryPlan _plan;
    private readonly bool _keepCache;
    private readonly KeyGroupStores<IStateStore> _groups;

    /// <param name="budget">The silo's bound on cached entries (null: unbounded).</param>
    /// <param name="rocksDb">RocksDB stores (working copies under <paramref name="root"/>) instead of memory stores.</param>
    /// <param name="version">The committed version to open the stores at (-1: empty).</param>
    public AggregationRun(QuerySpec spec, string root, bool keepCache, StateCacheBudget? budget = null, bool rocksDb = false, long version = -1)
    {
        _plan = QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry());
        _keepCache = keepCache;
        _groups = new KeyGroupStores<IStateStore>(KeyGroups, root, budget, rocksDb, version, s => s, s => s);
    }

    public static object?[] Row(string user, long seconds) => [user, T0.AddSeconds(seconds)];

    public static long Ms(long seconds) => (long)(T0 - DateTime.UnixEpoch).TotalMilliseconds + seconds * 1000;

    /// <summary>Every key group's working state, key and value bytes in hex, sorted.</summary>
    public List<string> State() => _groups.State();

    /// <summary>A batch cut short: every key group's working version is thrown away and its cache dropped.</summary>
    public void AbortAll() => _groups.AbortAll();

    public Task<AggregationOutcome> BatchAsync(long batchId, long watermarkMs, params List<object?[]>[] partitions) => BatchAsync(batchId, watermarkMs, partitions, commit: true);

    public async Task<AggregationOutcome> BatchAsync(long batchId, long watermarkMs, List<object?[]> partition, bool commit) => await BatchAsync(batchId, watermarkMs, [partition], commit);

    /// <summary>Batch <paramref name="batchId"/> with the watermark at <paramref name="watermarkMs"/> after T0.</summary>
    public async Task<AggregationOutcome> BatchAsync(long batchId, long watermarkMs, List<object?[]>[] partitions, bool commit)
    {
        watermarkMs += (long)(T0 - DateTime.UnixEpoch).TotalMilliseconds;
        if (!_keepCache)
        {
            _groups.DropCaches();
        }
        var batches = Enumerable.Range(0, KeyGroups).Select(g => _plan.Stateful!.BeginBatch(_groups.Stores[g], _groups.Cache(g))).ToArray();
        var late = 0;
        foreach (var rows in partitions)
        {
            var router = new KeyGroupRouter(KeyGroups);
            var lateRows = new LateRowSet();
            var copy = rows.Select(r => (object?[])r.Clone()).ToList();
            var context = new BatchContext(batchId, watermarkMs, 0);
            _plan.ApplyPrefix(0, copy, context);
            _plan.Stateful!.Route(copy, context, router, lateRows);
            late += lateRows.Dropped;
            foreach (var (group, records) in router.Groups)
            {
                batches[group].Apply(records);
            }
        }
        var output = new List<string>();
        long stateRows = 0, gets = 0;
        StateRowCounts? counts = null;
        var operatorMetrics = new Dictionary<string, long>();
        for (var g = 0; g < KeyGroups; g++)
        {
            batches[g].Apply(_plan.Stateful!.EveryBatchRecords(g, KeyGroups));
            output.AddRange(batches[g].Finish(watermarkMs, 0).Select(Describe));
            if (batches[g].RowCounts is { } own)
            {
                counts = new StateRowCounts((counts?.Updated ?? 0) + own.Updated, (counts?.Removed ?? 0) + own.Removed);
            }
            foreach (var (metric, value) in batches[g].CustomMetrics ?? new Dictionary<string, long>())
            {
                operatorMetrics[metric] = operatorMetrics.GetValueOrDefault(metric) + value;
            }
            if (commit)
            {
                var metrics = await _groups.Stores[g].CommitAsync(batchId);
                stateRows += metrics.NumRowsTotal;
                gets += metrics.CustomMetrics.GetValueOrDefault("rocksdbGetCount") + metrics.CustomMetrics.GetValueOrDefault("rocksdbWriteBehindGetCount");
            }
        }
        output.Sort(StringComparer.Ordinal);
        return new AggregationOutcome(output, stateRows, late, gets, counts, operatorMetrics);
    }

    public void Dispose() => _groups.Dispose();

    /// <summary>
    /// <c>user@windowStartSeconds=count</c>, whichever order the grouping keys are in; a row without a window (a global
    /// aggregation's) as its values, comma-separated, <c>null</c> for a null.
    /// </summary>
    private static string Describe(object?[] row)
    {
        if (row.Length < 3 || (row[0] is not StructValue && row[1] is not StructValue))
        {
            return string.Join(",", row.Select(v => v?.ToString() ?? "null"));
        }
        var w = row[0] is StructValue ? 0 : 1;
        var window = (StructValue)row[w]!;
        var start = (long)((DateTime)window.Values[0]! - T0).TotalSeconds;
        return $"{row[1 - w]}@{start}={row[2]}";
    }
}
