using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;

namespace Sluice.Tests.Operators;

/// <summary>The windowed aggregation's two halves run by hand (<see cref="AggregationRun"/>).</summary>
public sealed class WindowedAggregationTests : IDisposable
{
    private const int KeyGroups = AggregationRun.KeyGroups;
    private static readonly DateTime T0 = AggregationRun.T0;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-agg-tests", Guid.NewGuid().ToString("N"));

    private static QuerySpec Spec(string mode) => SpecReader.Read(SpecJson(mode));

    internal static string SpecJson(string mode) => $$$"""
        {
          "name": "counts",
          "source": {"kind": "memory", "schema": {"user_id": "string", "event_time": "timestamp"}},
          "operators": [
            {"op": "withWatermark", "column": "event_time", "delay": "0 seconds"},
            {"op": "groupBy", "keys": ["window(event_time, '5 minutes') AS window", "user_id"], "aggs": ["count(*) AS events"]}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "{{{mode}}}"
        }
        """;

    [Fact]
    public async Task Update_CountsAccumulateAcrossBatchesAndPartitions_AndClosedWindowsLeaveState()
    {
        var run = new AggregationRun(Spec("update"), _root, keepCache: true);

        var first = await run.BatchAsync(0, watermarkMs: 0,
            [Row("a", 10), Row("b", 20)],
            [Row("a", 30), Row("a", 400)]);
        Assert.Equal(["a@0=2", "a@300=1", "b@0=1"], first.Output);
        Assert.Equal(3, first.StateRows);

        // Watermark 5 minutes: window [0, 300) closes and is evicted; [300, 600) keeps counting.
        var second = await run.BatchAsync(1, watermarkMs: 300_000, [Row("a", 450)], [Row("c", 500)]);
        Assert.Equal(["a@300=2", "c@300=1"], second.Output);
        Assert.Equal(2, second.StateRows);
        Assert.Equal(0, second.Late);

        // A row of the closed window is late: dropped and counted, never counted into state.
        var third = await run.BatchAsync(2, watermarkMs: 300_000, [Row("b", 100)]);
        Assert.Empty(third.Output);
        Assert.Equal(1, third.Late);
        Assert.Equal(2, third.StateRows);
    }

    [Fact]
    public async Task Complete_CountsRowsBehindTheWatermark_AndEvictsNothing_AsSparkEventTimeWatermarkSuite()
    {
        var run = new AggregationRun(Spec("complete"), _root, keepCache: true);
        await run.BatchAsync(0, watermarkMs: 0, [Row("a", 10)]);

        // Watermark 5 minutes: [0, 300) is closed for append and update, but complete mode still counts into it.
        var behind = await run.BatchAsync(1, watermarkMs: 300_000, [Row("a", 100)], [Row("b", 400)]);
        Assert.Equal(0, behind.Late);
        Assert.Equal(["a@0=2", "b@300=1"], behind.Output);
        Assert.Equal(2, behind.StateRows);
    }

    [Fact]
    public void Route_SlidingWindowsBehindTheWatermark_CountsEachWindowAsSparkButKeepsTheLateRowOnce()
    {
        var spec = SpecJson("update").Replace("'5 minutes') AS window", "'10 minutes', '5 minutes') AS window");
        var plan = QueryPlanner.Plan(SpecReader.Read(spec), Sluice.Connectors.BuiltInConnectors.CreateRegistry());
        List<object?[]> rows = [Row("a", 100), Row("b", 200), Row("c", 1000)];
        var context = new BatchContext(3, (long)(T0 - DateTime.UnixEpoch).TotalMilliseconds + 600_000, 0);
        plan.ApplyPrefix(0, rows, context);
        var late = new LateRowSet();

        plan.Stateful!.Route(rows, context, new KeyGroupRouter(KeyGroups), late);

        // "a" and "b" each fall in two windows, [-5, 5) and [0, 10) minutes, both closed at 10 minutes: four drops.
        Assert.Equal(4, late.Dropped);
        Assert.Equal(["a", "b"], late.Rows.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Append_EmitsEachWindowOnceWhenTheWatermarkClosesIt()
    {
        var run = new AggregationRun(Spec("append"), _root, keepCache: true);
        Assert.Empty((await run.BatchAsync(0, 0, [Row("a", 10), Row("a", 20)], [Row("b", 310)])).Output);
        var closes = await run.BatchAsync(1, 300_000, [Row("b", 320)]);
        Assert.Equal(["a@0=2"], closes.Output);
        var later = await run.BatchAsync(2, 600_000);
        Assert.Equal(["b@300=2"], later.Output);
        Assert.Equal(0, later.StateRows);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("append")]
    public async Task KeptCache_GivesTheSameOutputAndStateAsACacheRebuiltEveryBatch(string mode)
    {
        // Disposed before the folder goes: a store still writes its snapshot of batch 9 in the background.
        using var kept = new AggregationRun(Spec(mode), Path.Combine(_root, "kept"), keepCache: true);
        using var rebuilt = new AggregationRun(Spec(mode), Path.Combine(_root, "rebuilt"), keepCache: false);
        var random = new Random(7);
        var watermark = 0L;
        for (var batch = 0; batch < 12; batch++)
        {
            var partitions = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 40)
                .Select(_ => Row("u" + random.Next(15), watermark / 1000 - 200 + random.Next(900))).ToList()).ToArray();
            var a = await kept.BatchAsync(batch, watermark, partitions);
            var b = await rebuilt.BatchAsync(batch, watermark, partitions);
            Assert.Equal(b.Output, a.Output);
            Assert.Equal(b.StateRows, a.StateRows);
            Assert.Equal(b.Late, a.Late);
            watermark += 150_000;
        }
    }

    [Fact]
    public async Task AbortedBatch_WithAFreshCache_LeavesNoTraceOfItsKeys()
    {
        var run = new AggregationRun(Spec("append"), _root, keepCache: true);
        await run.BatchAsync(0, 0, [Row("a", 10)]);
        // Batch 1 is cut short after Finish (never committed): its key "z" must not close in a later batch.
        await run.BatchAsync(1, 0, [Row("z", 20)], commit: false);
        run.AbortAll();
        await run.BatchAsync(1, 0, [Row("b", 30)]);
        var closes = await run.BatchAsync(2, 300_000);
        Assert.Equal(["a@0=1", "b@0=1"], closes.Output);
    }

    private static object?[] Row(string user, long seconds) => AggregationRun.Row(user, seconds);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
