using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators.Join;

namespace Sluice.Tests.Operators;

/// <summary>
/// The stream-stream join's state logic (Spark's SymmetricHashJoinStateManager and StreamingSymmetricHashJoinExec)
/// run by hand (<see cref="JoinRun"/>): each input's rows routed per key group, applied, finished and committed, as agents
/// and window grains do, the key groups keeping their operator caches between batches.
/// Times are seconds since the epoch; watermarks are given in ms.
/// </summary>
public sealed class StreamJoinTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-join-tests", Guid.NewGuid().ToString("N"));

    internal static string Spec(string joinType, string condition, string leftOps = """{"op": "withWatermark", "column": "lt", "delay": "0 seconds"}""",
        string rightOps = """{"op": "withWatermark", "column": "rt", "delay": "0 seconds"}""") => $$$"""
        {
          "name": "j",
          "source": {"kind": "memory", "name": "l", "schema": {"k": "int", "lt": "timestamp"}},
          "operators": [
            {{{leftOps}}},
            {"op": "join", "joinType": "{{{joinType}}}", "condition": "{{{condition}}}",
             "right": {"source": {"kind": "memory", "name": "r", "schema": {"rk": "int", "rt": "timestamp"}}, "operators": [{{{rightOps}}}]}}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "append"
        }
        """;

    internal const string Between = "k = rk AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds";

    [Fact]
    public async Task MarkingAStoredRowMatched_IsNotAnUpdate_OnlyAppendedRowsAre()
    {
        using var run = new JoinRun(Spec("inner", Between), _root);
        await run.BatchAsync(0, 0, [Row(1, 10)], []);

        // The right row is appended (one update); the stored left row it matches is only marked matched.
        var second = await run.BatchAsync(1, 0, [], [Row(1, 12)]);

        Assert.Equal(["1@10|1@12"], second.Output);
        Assert.Equal(1, second.Updated);
        Assert.Equal(2, second.Total);
    }

    [Fact]
    public async Task InclusiveRangeBound_KeepsARowOnTheBoundOneMoreMillisecond_AsSpark()
    {
        using var run = new JoinRun(Spec("leftOuter", Between), _root);
        await run.BatchAsync(0, 0, [Row(1, 10)], []);

        // From lt >= rt - 5 s Spark solves lt >= watermark - 5 s and, as it evicts at or below its state watermark,
        // takes one millisecond less: the row on the bound stays at watermark 15 s and goes just after.
        var onTheBound = await run.BatchAsync(1, 15_000, [], []);
        Assert.Empty(onTheBound.Output);
        Assert.Equal(1, onTheBound.Total);

        var past = await run.BatchAsync(2, 15_001, [], []);
        Assert.Equal(["1@10|null"], past.Output);
        Assert.Equal(0, past.Total);
    }

    [Fact]
    public async Task StrictRangeBound_EvictsOnTheBound()
    {
        using var run = new JoinRun(Spec("leftOuter", "k = rk AND lt > rt - interval 5 seconds AND lt < rt + interval 5 seconds"), _root);
        await run.BatchAsync(0, 0, [Row(1, 10)], []);

        var onTheBound = await run.BatchAsync(1, 15_000, [], []);

        Assert.Equal(["1@10|null"], onTheBound.Output);
        Assert.Equal(0, onTheBound.Total);
    }

    [Fact]
    public async Task LeftSemi_MatchedLeftRowStaysInStateUntilTheWatermarkPassesIt_AndIsEmittedOnce()
    {
        using var run = new JoinRun(Spec("leftSemi", Between), _root);
        await run.BatchAsync(0, 0, [Row(1, 10)], []);

        var matched = await run.BatchAsync(1, 0, [], [Row(1, 12)]);
        Assert.Equal(["1@10"], matched.Output);
        Assert.Equal(2, matched.Total);

        // A second match finds the left row still stored, already emitted.
        var again = await run.BatchAsync(2, 0, [], [Row(1, 13)]);
        Assert.Empty(again.Output);
        Assert.Equal(3, again.Total);

        var evicted = await run.BatchAsync(3, 20_000, [], []);
        Assert.Empty(evicted.Output);
        Assert.Equal(0, evicted.Total);
        Assert.Equal(3, evicted.Removed);
    }

    [Fact]
    public async Task WindowKey_WithAWatermarkOnOneSideOnly_EvictsBothSidesByWindowEnd_AndDoesNotStoreARightRowBehindIt()
    {
        var spec = Spec("inner", "k = rk AND lw = rw",
            """{"op": "withWatermark", "column": "lt", "delay": "0 seconds"}, {"op": "select", "columns": ["k", "window(lt, '10 seconds') AS lw"]}""",
            """{"op": "select", "columns": ["rk", "window(rt, '10 seconds') AS rw"]}""");
        using var run = new JoinRun(spec, _root);
        var first = await run.BatchAsync(0, 0, [Row(1, 1)], [Row(1, 2)]);
        Assert.Single(first.Output);
        Assert.Equal(2, first.Total);

        // Window [0, 10) ends at or before the watermark: both sides' rows go.
        var evicted = await run.BatchAsync(1, 10_000, [], []);
        Assert.Equal(0, evicted.Total);
        Assert.Equal(2, evicted.Removed);

        // A left row of a closed window is late; a right one (no watermark there) is joined with nothing and not stored.
        var behind = await run.BatchAsync(2, 10_000, [Row(1, 5)], [Row(1, 6)]);
        Assert.Equal(1, behind.Late);
        Assert.Equal(0, behind.Updated);
        Assert.Equal(0, behind.Total);
    }

    [Fact]
    public async Task FullOuter_EmitsTheUnmatchedRowsOfBothSidesWhenEvicted()
    {
        using var run = new JoinRun(Spec("fullOuter", Between), _root);
        var first = await run.BatchAsync(0, 0, [Row(1, 10), Row(2, 10)], [Row(1, 12), Row(3, 11)]);
        Assert.Equal(["1@10|1@12"], first.Output);
        Assert.Equal(4, first.Updated);

        var evicted = await run.BatchAsync(1, 30_000, [], []);

        Assert.Equal(["2@10|null", "null|3@11"], evicted.Output);
        Assert.Equal(0, evicted.Total);
        Assert.Equal(0, evicted.Removed);
    }

    [Fact]
    public async Task OneSideCondition_OnThePreservedSide_EmitsTheRowAtOnceWithoutStoringIt()
    {
        using var run = new JoinRun(Spec("leftOuter", Between + " AND k > 1"), _root);

        var first = await run.BatchAsync(0, 0, [Row(1, 10), Row(2, 10)], [Row(1, 10)]);

        Assert.Equal(["1@10|null"], first.Output);
        Assert.Equal(2, first.Updated);
    }

    [Fact]
    public async Task NullKey_OnThePreservedSide_IsKeptUntilEvictedAndNeverMatches()
    {
        using var run = new JoinRun(Spec("leftOuter", Between), _root);
        var first = await run.BatchAsync(0, 0, [Row(null, 10)], [Row(null, 10)]);
        Assert.Empty(first.Output);
        Assert.Equal(1, first.Total);

        var evicted = await run.BatchAsync(1, 30_000, [], []);
        Assert.Equal(["null@10|null"], evicted.Output);
    }

    [Theory]
    [InlineData("lt BETWEEN rt - interval 10 seconds AND rt + interval 5 seconds", 0, -10_001)]
    [InlineData("lt BETWEEN rt - interval 10 seconds AND rt + interval 5 seconds", 1, -5_001)]
    [InlineData("lt < rt - interval 5 seconds", 1, 5_000)]
    [InlineData("rt >= lt", 1, -1)]
    [InlineData("rt <= lt + interval 5 seconds", 0, -5_001)]
    [InlineData("lt > rt + interval 2 seconds", 0, 2_000)]
    public void StateBounds_AreSparksStateValueWatermarks(string condition, int side, long offsetMs)
    {
        var left = new StreamSchema([new Column("lt", DataType.Timestamp)]);
        var right = new StreamSchema([new Column("rt", DataType.Timestamp)]);

        var bounds = TimeRange.Bounds(ExpressionCompiler.Parse(condition), c => left.IndexOf(c) >= 0 ? 0 : right.IndexOf(c) >= 0 ? 1 : -1).ToList();

        Assert.Contains(bounds, b => b.Side == side && b.OffsetMs == offsetMs);
    }

    private static object?[] Row(int? key, long seconds) => JoinRun.Row(key, seconds);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
