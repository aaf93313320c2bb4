using Sluice.Spec;

namespace Sluice.Tests.Operators;

/// <summary>
/// A global aggregation (<c>groupBy</c> with no keys) has its group in every batch, as Spark's HashAggregateExec without
/// grouping keys outputs one row for empty input: count 0, sum null (FileStreamSourceSuite "SPARK-17372": a filter that
/// keeps nothing, then <c>groupBy().count()</c> in complete mode, answers 0).
/// </summary>
public sealed class GlobalAggregationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-global-agg-tests", Guid.NewGuid().ToString("N"));

    private static QuerySpec Spec(string mode) => SpecReader.Read($$$"""
        {
          "name": "global",
          "source": {"kind": "memory", "schema": {"value": "bigint"}},
          "operators": [
            {"op": "filter", "condition": "value > 0"},
            {"op": "groupBy", "keys": [], "aggs": ["count(*) AS count", "sum(value) AS total", "max(value) AS top"]}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "{{{mode}}}"
        }
        """);

    private static List<object?[]> Values(params long[] values) => [.. values.Select(v => new object?[] { v })];

    [Theory]
    [InlineData("complete")]
    [InlineData("update")]
    public async Task EmptyInput_OutputsTheGroupWithEmptyValues_FromTheFirstBatch(string mode)
    {
        using var run = new AggregationRun(Spec(mode), _root, keepCache: true);

        // Every row filtered out: the aggregation's input is empty, its row still comes out.
        var first = await run.BatchAsync(0, 0, Values(0, -1));
        Assert.Equal(["0,null,null"], first.Output);
        Assert.Equal(1, first.StateRows);

        // No partition at all (a batch with no rows for this stream).
        var second = await run.BatchAsync(1, 0, []);
        Assert.Equal(["0,null,null"], second.Output);
    }

    [Theory]
    [InlineData("complete", true)]
    [InlineData("complete", false)]
    [InlineData("update", true)]
    [InlineData("update", false)]
    public async Task BatchesWithoutRows_KeepTheGroup_AndUpdateModeOutputsItInEveryBatch(string mode, bool keepCache)
    {
        using var run = new AggregationRun(Spec(mode), _root, keepCache);

        Assert.Equal(["2,5,3"], (await run.BatchAsync(0, 0, Values(2, 3), Values(-4))).Output);
        // Spark's StateStoreSaveExec in update mode outputs every group the batch's aggregation produced, and the
        // global one is produced by every batch: the same row again; complete mode outputs the state, the same row.
        var empty = await run.BatchAsync(1, 0, Values(-1));
        Assert.Equal(["2,5,3"], empty.Output);
        Assert.Equal(1, empty.StateRows);
        Assert.Equal(["3,9,4"], (await run.BatchAsync(2, 0, Values(4))).Output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
