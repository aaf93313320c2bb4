using Sluice.Checkpointing;
using Sluice.Connectors;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;

namespace Sluice.Tests.Operators;

/// <summary>
/// What a window's close in append mode holds: its output stays in memory until the sink commits, so with millions of
/// groups closing at once every byte per row counts.
/// </summary>
public sealed class AppendCloseOutputTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-close-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WindowClose_GroupsReadFromTheStore_ShareOneWindowValue_AndAreNotLookedUpAgainAtCommit(bool rocksDb)
    {
        var plan = QueryPlanner.Plan(SpecReader.Read(WindowedAggregationTests.SpecJson("append")), BuiltInConnectors.CreateRegistry());
        var options = new StateStoreOptions { LocalRoot = Path.Combine(_root, "rocksdb") };
        using var rocks = rocksDb ? new RocksDbStateStoreProvider(options) : null;
        IStateStoreProvider provider = rocks is not null ? rocks : new MemoryStateStoreProvider(options);
        using var store = await provider.OpenAsync(new StateStoreId(0, 0), new FolderCheckpointStore(_root), "q", -1);
        // No hot state: every closing group is decoded from the store, as in state larger than the silo's budget.
        using var cache = new OperatorCache(new StateCacheBudget(0));
        await StoreOneWindowAsync(plan, store, cache, Enumerable.Range(0, 50).Select(i => AggregationRun.Row("u" + i, 10 + i)).ToList(), 0);

        var output = plan.Stateful!.BeginBatch(store, cache).Finish(AggregationRun.Ms(600), 0);
        var metrics = await store.CommitAsync(1);

        Assert.Equal(50, output.Count);
        Assert.All(output, row => Assert.Same(output[0][0], row[0]));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "u" + i).Order(StringComparer.Ordinal), output.Select(r => (string)r[1]!).Order(StringComparer.Ordinal));
        Assert.All(output, row => Assert.Equal(1L, row[2]));
        Assert.Equal(0, metrics.NumRowsTotal);
        Assert.Equal(50, metrics.NumRowsRemoved);
        Assert.Equal(0, metrics.CustomMetrics["stateOnCurrentVersionSizeBytes"]);
        if (rocksDb)
        {
            // The close read each group once, by iterating; the commit counted the removes from those reads.
            Assert.Equal(0, metrics.CustomMetrics["rocksdbGetCount"]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WindowClose_GroupsReadFromTheStore_LeaveItAsOneChangelogRecord(bool rocksDb)
    {
        var plan = QueryPlanner.Plan(SpecReader.Read(WindowedAggregationTests.SpecJson("append")), BuiltInConnectors.CreateRegistry());
        var options = new StateStoreOptions { LocalRoot = Path.Combine(_root, "rocksdb") };
        using var rocks = rocksDb ? new RocksDbStateStoreProvider(options) : null;
        IStateStoreProvider provider = rocks is not null ? rocks : new MemoryStateStoreProvider(options);
        var checkpoint = new FolderCheckpointStore(_root);
        var store = await provider.OpenAsync(new StateStoreId(0, 0), checkpoint, "q", -1);
        using var cache = new OperatorCache(new StateCacheBudget(0));
        await StoreOneWindowAsync(plan, store, cache, Enumerable.Range(0, 50).Select(i => AggregationRun.Row("u" + i, 10 + i)).ToList(), 0);

        Assert.Equal(50, plan.Stateful!.BeginBatch(store, cache).Finish(AggregationRun.Ms(600), 0).Count);
        await store.CommitAsync(1);
        store.Dispose();

        // Before, a remove per closed group: 50 records.
        var delta = Path.Combine(_root, "state", "0", "0", "1.delta");
        Assert.Equal(1, StateFile.Parse(File.ReadAllBytes(delta), delta, StateFileKind.Delta, 1).RecordCount);
        using var reopened = await provider.OpenAsync(new StateStoreId(0, 0), checkpoint, "q", 1);
        Assert.Empty(reopened.Iterate());
    }

    [Fact]
    public async Task WindowClose_GroupsReadFromTheStore_DecodeTheirWindowOnce()
    {
        var plan = QueryPlanner.Plan(SpecReader.Read(WindowedAggregationTests.SpecJson("append")), BuiltInConnectors.CreateRegistry());
        var options = new StateStoreOptions { LocalRoot = Path.Combine(_root, "memory") };
        using var store = await new MemoryStateStoreProvider(options).OpenAsync(new StateStoreId(0, 0), new FolderCheckpointStore(_root), "q", -1);
        using var cache = new OperatorCache(new StateCacheBudget(0));
        var version = 0L;
        async Task<(List<object?[]> Output, long Allocated)> CloseAsync(int groups, string user)
        {
            // One window's groups stored in one batch, closed by the next from the store (no hot state).
            await StoreOneWindowAsync(plan, store, cache, Enumerable.Range(0, groups).Select(i => AggregationRun.Row(user + i, 10 + (i % 7))).ToList(), version++);
            var closing = plan.Stateful!.BeginBatch(store, cache);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var output = closing.Finish(AggregationRun.Ms(600), 0);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            await store.CommitAsync(version++);
            return (output, allocated);
        }

        _ = await CloseAsync(100, "warm");
        var (small, smallBytes) = await CloseAsync(1_000, "s");
        var (large, largeBytes) = await CloseAsync(5_000, "l");

        // Every row is the group's (window, user, count) and the window one value; what each more group costs excludes
        // the close's fixed cost. Decoding the window per group (a struct, its array, two boxed times) cost 112 bytes.
        Assert.Equal(5_000, large.Count);
        Assert.All(large, row => Assert.Same(large[0][0], row[0]));
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => "l" + i).Order(StringComparer.Ordinal), large.Select(r => (string)r[1]!).Order(StringComparer.Ordinal));
        Assert.All(large, row => Assert.Equal(1L, row[2]));
        Assert.Equal(1_000, small.Count);
        var perGroup = (largeBytes - smallBytes) / 4_000.0;
        Assert.True(perGroup < PerClosedGroupBytes, $"{perGroup:F0} bytes per closed group");
    }

    private const double PerClosedGroupBytes = 260;

    /// <summary>Stores <paramref name="rows"/> (one window's) as one batch of <paramref name="plan"/>'s aggregation and commits it as <paramref name="version"/>.</summary>
    private static async Task StoreOneWindowAsync(QueryPlan plan, IStateStore store, OperatorCache cache, List<object?[]> rows, long version)
    {
        var context = new BatchContext(0, AggregationRun.Ms(0), 0);
        plan.ApplyPrefix(0, rows, context);
        var router = new KeyGroupRouter(1);
        plan.Stateful!.Route(rows, context, router, new LateRowSet());
        var open = plan.Stateful.BeginBatch(store, cache);
        open.Apply(router.Groups[0]);
        Assert.Empty(open.Finish(AggregationRun.Ms(0), 0));
        await store.CommitAsync(version);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
