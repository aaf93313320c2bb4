using Sluice.Columnar;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Columnar;

/// <summary>
/// An agent's warm batch of columnar grouping and partial-aggregates writing (W1's shape: a window and a string key,
/// count) allocates only its router's own small bookkeeping: the payloads are written into the route's pooled buffers,
/// lent to the router until <see cref="KeyGroupRouter.Delivered"/> and never overwritten while lent.
/// </summary>
public sealed class AgentRouteAllocationTests
{
    private const int KeyGroups = 8;

    private static readonly StreamSchema Schema = new([new Column("user", DataType.String), new Column("ts", DataType.Timestamp)]);

    [Fact]
    public void WarmBatch_GroupingAndPayloads_AllocateNoPayloads_OnceTheLastOnesWereDelivered()
    {
        var op = ColumnarAggregationHarness.Plan(Schema, ["window(ts, '5 minutes') AS w", "user"], ["count(*) AS n"], "update", "ts");
        var batch = Batch(seed: 1, rows: 20_000, users: 4_000);
        var least = long.MaxValue;
        for (var run = 0; run < 8; run++)
        {
            var router = new KeyGroupRouter(KeyGroups) { TakesPartials = true };
            var late = new LateRowSet();
            var context = new BatchContext(run, 0, 0);
            var bytes = AllocatedBy(() => op.Route(batch, context, router, late));
            Assert.Equal(KeyGroups, router.Groups.Count);
            router.Delivered();
            if (run >= 3)
            {
                least = Math.Min(least, bytes);
            }
        }
        // ~8,000 groups' payloads are ~150 KB a batch; a router's per-key-group lists and dictionaries are under 4 KB.
        Assert.True(least <= 4_096, $"a warm batch allocated {least:N0} bytes");
    }

    [Fact]
    public void PayloadsNotDelivered_AreNotOverwrittenByTheNextBatch()
    {
        var op = ColumnarAggregationHarness.Plan(Schema, ["window(ts, '5 minutes') AS w", "user"], ["count(*) AS n"], "update", "ts");
        var first = new KeyGroupRouter(KeyGroups) { TakesPartials = true };
        op.Route(Batch(seed: 1, rows: 5_000, users: 1_000), new BatchContext(1, 0, 0), first, new LateRowSet());
        var sent = Enumerable.Range(0, KeyGroups).ToDictionary(g => g, g => first.PartialsOf(g)!.Value.ToArray());

        // The first batch's calls failed (never delivered): the retried and later batches must write elsewhere.
        for (var b = 2; b < 5; b++)
        {
            var next = new KeyGroupRouter(KeyGroups) { TakesPartials = true };
            op.Route(Batch(seed: b, rows: 5_000, users: 1_000), new BatchContext(b, 0, 0), next, new LateRowSet());
            next.Delivered();
        }

        foreach (var (group, bytes) in sent)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(first.PartialsOf(group)!.Value.Span), $"key group {group}'s payload changed");
        }
    }

    private static ColumnBatch Batch(int seed, int rows, int users)
    {
        var random = new Random(seed);
        var start = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);
        var values = new List<object?[]>(rows);
        for (var i = 0; i < rows; i++)
        {
            values.Add([$"user-{random.Next(users)}", start.AddSeconds(random.Next(600))]);
        }
        return ColumnBatch.FromRows(Schema, values);
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
