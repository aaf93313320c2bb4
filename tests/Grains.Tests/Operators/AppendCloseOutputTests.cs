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
        var rows = Enumerable.Range(0, 50).Select(i => AggregationRun.Row("u" + i, 10 + i)).ToList();
        var context = new BatchContext(0, AggregationRun.Ms(0), 0);
        plan.ApplyPrefix(0, rows, context);
        var router = new KeyGroupRouter(1);
        plan.Stateful!.Route(rows, context, router, new LateRowSet());
        var open = plan.Stateful.BeginBatch(store, cache);
        open.Apply(router.Groups[0]);
        Assert.Empty(open.Finish(AggregationRun.Ms(0), 0));
        await store.CommitAsync(0);

        var output = plan.Stateful.BeginBatch(store, cache).Finish(AggregationRun.Ms(600), 0);
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

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
