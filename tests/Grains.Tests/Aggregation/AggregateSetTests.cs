using Sluice.Data;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class AggregateSetTests
{
    private static readonly AggregateSet Set = AggregateSet.Bind(
        ["count(*)", "sum(qty) AS units", "avg(amount)", "max(user)", "first(user) AS first_user", "approx_count_distinct(user) AS users"],
        Agg.Schema);

    private static object?[] Row(string? user, double? amount, int? qty) => [user, amount, qty, null, null, null, null, null];

    private static readonly object?[][] Rows =
    [
        Row("bob", 1.0, 2),
        Row(null, 3.0, null),
        Row("alice", null, 5),
        Row("carol", 2.0, 1),
        Row("bob", 6.0, 4),
    ];

    [Fact]
    public void Layout_GivesEachAggregateItsSlots()
    {
        Assert.Equal(1 + 1 + 2 + 1 + 2 + 1, Set.BufferSize);
        Assert.Equal(Set.BufferSize, Set.NewBuffer().Length);
        Assert.Equal(
            ["count(1): bigint", "units: bigint", "avg(amount): double", "max(user): string", "first_user: string", "users: bigint"],
            Set.OutputColumns.Select(c => $"{c.Name}: {c.Type}"));
    }

    [Fact]
    public void Evaluate_OfNewBuffer_GivesSparkEmptyGroupResults() =>
        Assert.Equal([0L, null, null, null, null, 0L], Set.Evaluate(Set.NewBuffer()));

    [Fact]
    public void Update_EvaluatesArgumentsPerRow_AndResultsComeInOrder()
    {
        var buffer = Set.NewBuffer();
        foreach (var row in Rows)
        {
            Set.Update(buffer, row);
        }
        Assert.Equal([5L, 12L, 3.0, "carol", "bob", 3L], Set.Evaluate(buffer));
    }

    [Fact]
    public void Merge_OfPreAggregatedPartialsReloadedFromState_EqualsSinglePass()
    {
        var single = Set.NewBuffer();
        foreach (var row in Rows)
        {
            Set.Update(single, row);
        }
        for (var split = 0; split <= Rows.Length; split++)
        {
            var state = Set.NewBuffer();
            var agent = Set.NewBuffer();
            foreach (var row in Rows[..split])
            {
                Set.Update(state, row);
            }
            foreach (var row in Rows[split..])
            {
                Set.Update(agent, row);
            }
            var reloaded = Agg.Reload(state);
            Set.Merge(reloaded, Agg.Reload(agent));
            Assert.Equal(Set.Evaluate(single), Set.Evaluate(reloaded));
        }
    }

    [Fact]
    public void EvaluateInto_WritesAfterTheKeyColumns()
    {
        var row = new object?[2 + Set.Aggregates.Count];
        row[0] = "key";
        Set.EvaluateInto(Set.NewBuffer(), row, 2);
        Assert.Equal(["key", null, 0L, null, null, null, null, 0L], row);
    }

    [Fact]
    public void Merge_OfBufferFromAnotherQuery_FailsClearly()
    {
        var error = Assert.Throws<ArgumentException>(() => Set.Merge(Set.NewBuffer(), new object?[3]));
        Assert.Contains("has 3 slots but [count(1), units, avg(amount), max(user), first_user, users] use 8", error.Message);
    }
}
