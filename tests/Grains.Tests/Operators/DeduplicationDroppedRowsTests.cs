using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Tests.Operators;

/// <summary>
/// Spark's custom metric <c>numDroppedDuplicateRows</c> of a deduplication (SPARK-35880,
/// BaseStreamingDeduplicateExec): every row of a batch whose key the state already holds, or an earlier row of the
/// same batch put there, counts; a row behind the watermark is dropped as late before, and does not.
/// </summary>
public sealed class DeduplicationDroppedRowsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-dedup-dropped", Guid.NewGuid().ToString("N"));

    private static QuerySpec Spec() => SpecReader.Read("""
        {
          "name": "dedup",
          "source": {"kind": "memory", "schema": {"user": "string", "ts": "timestamp"}},
          "operators": [
            {"op": "withWatermark", "column": "ts", "delay": "10 seconds"},
            {"op": "dropDuplicates"}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "append"
        }
        """);

    [Fact]
    public async Task RepeatsInABatch_AcrossPartitions_AndOfEarlierBatches_Count_LateRowsDoNot()
    {
        using var run = new AggregationRun(Spec(), _root, keepCache: true);

        // a@10 three times in one partition and once in the other, b@10 once: 4 rows dropped, 2 pass.
        var first = await run.BatchAsync(0, watermarkMs: 0,
            [AggregationRun.Row("a", 10), AggregationRun.Row("a", 10), AggregationRun.Row("b", 10), AggregationRun.Row("a", 10)],
            [AggregationRun.Row("a", 10)]);
        Assert.Equal(2, first.Output.Count);
        Assert.Equal(3, first.OperatorMetrics![DeduplicateOperator.DroppedDuplicateRows]);

        // b@10 again (a duplicate of the state), c@30 new, a@1 behind the watermark 5 s: late, not a duplicate.
        var second = await run.BatchAsync(1, watermarkMs: 5_000, [AggregationRun.Row("b", 10), AggregationRun.Row("c", 30), AggregationRun.Row("a", 1)]);
        Assert.Single(second.Output);
        Assert.Equal(1, second.Late);
        Assert.Equal(1, second.OperatorMetrics![DeduplicateOperator.DroppedDuplicateRows]);

        // Nothing repeated: the metric is there, at 0.
        var third = await run.BatchAsync(2, watermarkMs: 5_000, [AggregationRun.Row("d", 30)]);
        Assert.Equal(0, third.OperatorMetrics![DeduplicateOperator.DroppedDuplicateRows]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
