using Sluice.Columnar;
using Sluice.Connectors.Generator;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.State.Encoding;

namespace Sluice.Tests.Columnar;

/// <summary>
/// The columnar route of a groupBy on each aggregate's NULL and overflow edges, double keys, times before the epoch,
/// late groups, and the keys and aggregates it declines: every case checked against the row route and against the
/// values Spark gives.
/// </summary>
public sealed class ColumnarAggregationEdgeTests
{
    private static readonly StreamSchema Schema = new(
    [
        new Column("k", DataType.String),
        new Column("big", DataType.Long),
        new Column("small", DataType.Int),
        new Column("x", DataType.Double),
        new Column("ts", DataType.Timestamp),
    ]);

    private static readonly DateTime T0 = DateTime.UnixEpoch;

    [Fact]
    public void SumCountAvg_BigintWrapsOnOverflow_IntSumsAsBigint_AndAllNullGroupsGiveSparksEmptyValues()
    {
        var op = Plan(["k"], ["sum(big)", "sum(small)", "count(big)", "avg(big)", "count(*)", "sum(x)", "avg(x)"]);
        var buffers = Route(op,
            ["a", long.MaxValue, int.MaxValue, null, T0],
            ["a", 1L, int.MaxValue, null, T0],
            ["b", null, null, null, T0]);

        Assert.Equal(
            "Int64:-9223372036854775808, Int64:4294967294, Int64:2, double:43E0000000000000(9.223372036854776E+18), Int64:2, Int64:2, null, double:0(0), Int64:0",
            buffers["a"]);
        Assert.Equal("null, null, Int64:0, double:0(0), Int64:0, Int64:1, null, double:0(0), Int64:0", buffers["b"]);
    }

    [Fact]
    public void SumOfDoubles_StartsFromZero_SoNegativeZeroAloneSumsToZero()
    {
        var op = Plan(["k"], ["sum(x)", "min(x)"]);
        var buffers = Route(op, ["a", 0L, 0, -0.0, T0], ["a", 0L, 0, -0.0, T0]);
        Assert.Equal("double:0(0), double:8000000000000000(-0)", buffers["a"]);
    }

    [Fact]
    public void MinMax_OfDoubles_PutNaNAboveAll_KeepTheFirstOfEqualZeros_AndSkipNulls()
    {
        var op = Plan(["k"], ["min(x)", "max(x)", "min(small)", "max(big)", "max(ts)", "min(ts)"]);
        var buffers = Route(op,
            ["a", 5L, 3, -0.0, T0.AddTicks(-7)],
            ["a", null, null, 0.0, null],
            ["a", -5L, -3, double.NaN, T0.AddTicks(9)],
            ["b", null, 7, 0.0, null],
            ["b", null, null, -0.0, null],
            ["c", null, null, null, null]);

        Assert.Equal("double:8000000000000000(-0), double:NaN, Int32:-3, Int64:5, ts:621355968000000009:Utc, ts:621355967999999993:Utc", buffers["a"]);
        Assert.Equal("double:0(0), double:0(0), Int32:7, null, null, null", buffers["b"]);
        Assert.Equal("null, null, null, null, null, null", buffers["c"]);
    }

    [Fact]
    public void DoubleKeys_GroupAsTheirEncodedBytes_EveryNaNOneGroup_AndNegativeZeroWithZero()
    {
        var op = Plan(["x"], ["count(*)"]);
        var (output, _) = ColumnarAggregationHarness.AssertSameRoute(op, Batch(
            [null, null, null, double.NaN, null],
            [null, null, null, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), null],
            [null, null, null, -0.0, null],
            [null, null, null, 0.0, null],
            [null, null, null, null, null]), watermarkMs: 0);
        Assert.Equal(
            ["double:0(0) => Int64:2", "double:NaN => Int64:2", "null => Int64:1"],
            ColumnarAggregationHarness.Records(output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TimestampKeyBehindTheWatermark_ComparesMillisecondsTruncatedAsTheRowPath_BeforeTheEpoch()
    {
        var op = Plan(["ts"], ["count(*)"], watermark: "ts");
        // 0.5 ms before the epoch is 0 ms (truncated toward zero), after a watermark of -1 ms; 1.5 ms before is -1: late.
        var (output, late) = ColumnarAggregationHarness.AssertSameRoute(op, Batch(
            ["a", null, null, null, T0.AddTicks(-5_000)],
            ["a", null, null, null, T0.AddTicks(-15_000)],
            ["a", null, null, null, T0.AddTicks(-15_000)]), watermarkMs: -1);
        Assert.Single(ColumnarAggregationHarness.Records(output));
        Assert.Equal(1, late.Dropped);
        Assert.Equal(2, late.Rows.Count);
    }

    [Fact]
    public void SlidingWindowsBehindTheWatermark_CountOncePerLateGroup_AndKeepEachLateRowOnce()
    {
        var op = Plan(["window(ts, '10 seconds', '5 seconds') AS w", "k"], ["count(*)"], watermark: "ts");
        // Before the epoch: windows [-15, -5) and [-10, 0) seconds hold -6 and -7 s; a watermark of -4 s closes the first
        // only, which drops a's and b's [-15, -5) (two late groups, three late rows); a, b in [-10, 0) and a in [-5, 5) stay.
        var (output, late) = ColumnarAggregationHarness.AssertSameRoute(op, Batch(
            ["a", null, null, null, T0.AddSeconds(-6)],
            ["a", null, null, null, T0.AddSeconds(-7)],
            ["b", null, null, null, T0.AddSeconds(-6)],
            ["a", null, null, null, T0.AddSeconds(-1)]), watermarkMs: -4_000);
        Assert.Equal(2, late.Dropped);
        Assert.Equal(3, late.Rows.Count);
        Assert.Equal(3, ColumnarAggregationHarness.Records(output).Count);
    }

    [Theory]
    [InlineData("7 days", "7 days", "2026-12-06T00:00:00Z", "2026-12-03T00:00:00Z")]
    [InlineData("7 seconds", "7 seconds", "2026-12-06T18:00:03Z", "2026-12-06T18:00:02Z")]
    [InlineData("7 seconds", "7 seconds", "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:53Z")]
    [InlineData("14 seconds", "7 seconds", "1970-01-01T00:00:10Z", "1970-01-01T00:00:07Z")]
    public void WindowStarts_AreAlignedToTheUnixEpoch_AsSparksAndSelectWindow(string size, string slide, string time, string latestStart)
    {
        var op = Plan([$"window(ts, '{size}', '{slide}') AS w"], ["count(*)"]);
        var at = DateTime.Parse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var (output, _) = ColumnarAggregationHarness.AssertSameRoute(op, Batch(["a", null, null, null, at]), watermarkMs: 0);
        var starts = output.Groups.SelectMany(g => g.Value).Select(r => ((DateTime)((StructValue)RowCodec.Decode(r.Key)[0]!).Values[0]!).Ticks).ToList();
        var expected = DateTime.Parse(latestStart, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.Equal(expected.Ticks, starts.Max());
        if (size == slide)
        {
            // The same start as window() in a select (TimeWindows), which was always aligned to the epoch.
            var tumbling = Sluice.Expressions.Evaluation.TimeWindows.Tumbling(at, TimeSpan.Parse(size == "7 days" ? "7.00:00:00" : "00:00:07", System.Globalization.CultureInfo.InvariantCulture).Ticks, 0)!;
            Assert.Equal(expected, (DateTime)tumbling.Values[0]!);
        }
    }

    [Fact]
    public void StringsThatEncodeAlike_LoneSurrogates_AreOneGroupAsOnRows()
    {
        var op = Plan(["k"], ["count(*)", "sum(x)"]);
        var (output, _) = ColumnarAggregationHarness.AssertSameRoute(op, Batch(
            ["\uD800", null, null, 0.1, T0],
            ["\uFFFD", null, null, 0.2, T0],
            ["\uD800", null, null, 0.3, T0]), watermarkMs: 0);
        Assert.Equal(["String:\uFFFD => Int64:3, double:3FE3333333333334(0.6000000000000001)"],
            ColumnarAggregationHarness.Records(output).Select(r => r.Replace("\uD800", "\uFFFD", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("k", "count(*)", true)]
    [InlineData("window(ts, '1 minute') AS w", "max(ts)", true)]
    [InlineData("k", "count(1)", true)]
    [InlineData("upper(k) AS u", "count(*)", false)]
    [InlineData("k", "sum(big * 2)", false)]
    [InlineData("k", "first(x)", false)]
    [InlineData("k", "min(k)", false)]
    [InlineData("k", "count(NULL)", false)]
    public void RoutesColumns_OnlyWhenEveryKeyAndAggregateHasATypedKernel(string key, string agg, bool columnar)
    {
        var op = Plan([key], [agg]);
        Assert.Equal(columnar, op.RoutesColumns);
    }

    [Fact]
    public void InputColumns_AreTheKeysAndArgumentsRead()
    {
        var op = Plan(["window(ts, '1 minute') AS w", "k"], ["sum(x)", "count(*)", "max(big)"]);
        Assert.Equal([0, 1, 3, 4], op.InputColumns);
    }

    [Fact]
    public async Task W1_OnTheGeneratorsColumns_ReadingOnlyTheColumnsItNeeds_RoutesAsRows()
    {
        var op = ColumnarAggregationHarness.Plan(GeneratorPartitionReader.Schema,
            ["window(event_time, '5 minutes') AS window", "user_id"], ["count(*) AS events"], "update", "event_time");
        Assert.True(op.RoutesColumns);
        var reader = new GeneratorPartitionReader(1, 4);
        var read = GeneratorPartitionReader.Schema.Columns.Select((_, i) => op.InputColumns.Contains(i)).ToList();
        Assert.Equal([false, true, false, false, false, true], read);
        var narrow = new ColumnBatch(GeneratorPartitionReader.Schema, read);
        var full = new ColumnBatch(GeneratorPartitionReader.Schema);
        // Two batches through the same (reused) route: a warm batch must not see the first one's groups.
        foreach (var (start, end) in new[] { (0L, 20_000L), (20_000L, 30_000L) })
        {
            narrow.Reset();
            full.Reset();
            await reader.ReadColumnsAsync(start, end, narrow, CancellationToken.None);
            await reader.ReadColumnsAsync(start, end, full, CancellationToken.None);
            var rows = new List<object?[]>();
            full.AppendRowsTo(rows);
            var expected = new KeyGroupRouter(16);
            op.Route(rows, new BatchContext(1, 0, 0), expected, new LateRowSet());
            var actual = new KeyGroupRouter(16);
            op.Route(narrow, new BatchContext(1, 0, 0), actual, new LateRowSet());
            Assert.Equal(ColumnarAggregationHarness.Records(expected), ColumnarAggregationHarness.Records(actual));
            Assert.True(actual.Groups.Sum(g => g.Value.Count) > 1000);
        }
    }

    [Fact]
    public void BatchWithAVectorOfAnotherTypeThanPlanned_RoutesItsRows()
    {
        var op = Plan(["k", "small"], ["count(*)", "max(small)"]);
        var batch = Batch(["a", null, 1, null, T0], ["b", null, 2, null, T0], ["a", null, 1, null, T0]);
        // A kernel that made a boxed vector for the key column.
        var boxed = new ObjectVector(DataType.String);
        foreach (var k in new[] { "a", "b", "a" })
        {
            boxed.AppendValue(k);
        }
        batch.SetColumn(0, boxed);
        var (output, _) = ColumnarAggregationHarness.AssertSameRoute(op, batch, watermarkMs: 0);
        Assert.Contains("String:a, Int32:1 => Int64:2, Int32:1", ColumnarAggregationHarness.Records(output));
        Assert.Equal(2, output.Groups.Sum(g => g.Value.Count));
    }

    [Fact]
    public void WarmRoute_AllocatesPerGroupNotPerRow()
    {
        var op = Plan(["window(ts, '1 minute') AS w", "k"], ["count(*)", "sum(x)", "max(big)", "avg(small)"], watermark: "ts");
        var batch = Batch([.. Enumerable.Range(0, 50_000).Select(i => new object?[] { "u" + (i % 10), (long)i, i, i * 0.5, T0.AddMilliseconds(i) })]);
        op.Route(batch, new BatchContext(1, 0, 0), new KeyGroupRouter(4), new LateRowSet());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var output = new KeyGroupRouter(4);
        op.Route(batch, new BatchContext(2, 0, 0), output, new LateRowSet());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 10 users in one minute-window: 10 groups, each a key array, a buffer and a few boxes; no row made or encoded.
        Assert.Equal(10, output.Groups.Sum(g => g.Value.Count));
        Assert.True(allocated < 16_384, $"{allocated} bytes allocated for 50,000 rows in 10 groups");
    }

    private static AggregationOperator Plan(string[] keys, string[] aggs, string? watermark = null) =>
        ColumnarAggregationHarness.Plan(Schema, keys, aggs, "update", watermark);

    private static ColumnBatch Batch(params object?[][] rows) => ColumnBatch.FromRows(Schema, rows);

    /// <summary>Routes both ways (asserting the same result) and gives each group's buffer by its first key value.</summary>
    private static Dictionary<string, string> Route(AggregationOperator op, params object?[][] rows)
    {
        var (output, _) = ColumnarAggregationHarness.AssertSameRoute(op, Batch(rows), watermarkMs: 0);
        return output.Groups.SelectMany(g => g.Value).ToDictionary(
            r => (string)RowCodec.Decode(r.Key)[0]!,
            r => ColumnarAggregationHarness.Describe(r.Value));
    }
}
