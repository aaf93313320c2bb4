using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Operators;

/// <summary>
/// What a windowed count's typed batch allocates for the groups it loads: a loaded key keeps its window apart from the
/// rest of its values (shared by the window's groups), so a new group costs one decoded array for its key, not two.
/// </summary>
public sealed class TypedAggregationAllocationTests : IDisposable
{
    private const int Users = 4_000;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-typed-alloc-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void NewGroupsOfOneWindow_AllocateOneKeyArrayEach_AndShareTheWindow()
    {
        var plan = QueryPlanner.Plan(SpecReader.Read(WindowedAggregationTests.SpecJson("update")), Sluice.Connectors.BuiltInConnectors.CreateRegistry());
        using var stores = new KeyGroupStores<Sluice.State.IStateStore>(1, _root, budget: null, rocksDb: false, version: -1, s => s, s => s);
        Assert.True(((AggregationOperator)plan.Stateful!).TypedState);
        // Warm up the code and the stores' scratch on another window, so the measured batch allocates only its groups' own.
        Finish(plan, stores, 0, "w", 10);
        var (rows, bytes) = Finish(plan, stores, 1, "u", 400);

        Assert.Equal(Users, rows.Count);
        var window = rows[0][0];
        Assert.All(rows, r => Assert.Same(window, r[0]));
        // Per new group: its output row, its user id and its stored value (and the decoded rest of its key while that was
        // an array of its own: 160 bytes). Decoding the key into a second array with the window in front (40 bytes) and
        // a load record per group (24) made 224 (measured on e0a5858).
        Assert.True(bytes / Users < 192, $"{bytes / Users} bytes allocated per new group");
    }

    private static (List<object?[]> Rows, long Bytes) Finish(QueryPlan plan, KeyGroupStores<Sluice.State.IStateStore> stores, long batchId, string prefix, long seconds)
    {
        var batch = plan.Stateful!.BeginBatch(stores.Stores[0], stores.Cache(0));
        var rows = Enumerable.Range(0, Users).Select(u => AggregationRun.Row(prefix + u, seconds)).ToList();
        var context = new BatchContext(batchId, AggregationRun.Ms(0), 0);
        plan.ApplyPrefix(0, rows, context);
        var router = new KeyGroupRouter(1);
        plan.Stateful.Route(rows, context, router, new LateRowSet());
        foreach (var (_, records) in router.Groups)
        {
            batch.Apply(records);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var output = batch.Finish(AggregationRun.Ms(0), 0);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        stores.Stores[0].CommitAsync(batchId).GetAwaiter().GetResult();
        return (output, bytes);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
