using Sluice.Columnar;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Operators.Join;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// A stream-stream join routes a columnar batch itself (<see cref="IColumnarRoute"/>): each row made once, with its side
/// tag in front, where the agent made the rows and the route copied each behind its tag. The records, their key groups
/// and the late rows must be the row route's; and a stream whose columnar prefix selects before the join reads only the
/// source columns the select keeps (Nexmark q7's bids: not the channel and url).
/// </summary>
public class StreamJoinColumnarRouteTests
{
    private const int KeyGroups = 5;

    private static QueryPlan PlanOf(string spec) => QueryPlanner.Plan(SpecReader.Read(spec), Sluice.Connectors.BuiltInConnectors.CreateRegistry());

    private static string Spec(string joinType, string condition) => $$$"""
        {
          "name": "j",
          "source": {"kind": "memory", "name": "l", "schema": {"k": "int", "s": "string", "d": "double", "lt": "timestamp"}},
          "operators": [
            {"op": "withWatermark", "column": "lt", "delay": "2 seconds"},
            {"op": "join", "joinType": "{{{joinType}}}", "condition": "{{{condition}}}",
             "right": {"source": {"kind": "memory", "name": "r", "schema": {"rk": "int", "rs": "string", "rt": "timestamp"}},
                       "operators": [{"op": "withWatermark", "column": "rt", "delay": "2 seconds"}]}}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "append"
        }
        """;

    public static TheoryData<string, string> Joins => new()
    {
        { "inner", "k = rk AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds" },
        { "leftOuter", "k = rk AND s = rs AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds" },
        { "rightOuter", "k + 1 = rk AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds" },
        { "fullOuter", "k <=> rk AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds" },
        { "leftSemi", "k = rk AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds" },
    };

    [Theory]
    [MemberData(nameof(Joins))]
    public void ColumnarRoute_SendsTheRowRoutesRecords_AndLateRows_OnRandomBatches(string joinType, string condition)
    {
        var plan = PlanOf(Spec(joinType, condition));
        var join = (StreamJoinOperator)plan.Stateful!;
        Assert.True(join.RoutesColumns);
        var random = new Random(joinType.Length * 7919 + condition.Length);
        for (var trial = 0; trial < 40; trial++)
        {
            foreach (var stream in (int[])[0, 1])
            {
                var schema = stream == 0
                    ? new StreamSchema([new Column("k", DataType.Int), new Column("s", DataType.String), new Column("d", DataType.Double), new Column("lt", DataType.Timestamp)])
                    : new StreamSchema([new Column("rk", DataType.Int), new Column("rs", DataType.String), new Column("rt", DataType.Timestamp)]);
                var rows = Enumerable.Range(0, random.Next(0, 60)).Select(_ => RandomRow(random, stream)).ToList();
                var batch = ColumnBatch.FromRows(schema, rows);
                if (random.Next(2) == 0)
                {
                    // A filter before the route: some rows are not selected.
                    var selection = batch.SelectionBuffer();
                    var selected = 0;
                    for (var i = 0; i < batch.RowCount; i++)
                    {
                        if (random.Next(3) > 0)
                        {
                            selection[selected++] = i;
                        }
                    }
                    batch.SetSelection(selected);
                }
                var context = new BatchContext(trial, 1_000L * random.Next(0, 40), 0) { StreamIndex = stream };

                var byColumns = new KeyGroupRouter(KeyGroups);
                var lateByColumns = new LateRowSet();
                join.Route(batch, context, byColumns, lateByColumns);

                // What the agent did before: the batch turned into rows, routed as rows.
                var asRows = new List<object?[]>();
                batch.AppendRowsTo(asRows);
                var byRows = new KeyGroupRouter(KeyGroups);
                var lateByRows = new LateRowSet();
                join.Route(asRows, context, byRows, lateByRows);

                Assert.Equal(Records(byRows), Records(byColumns));
                Assert.Equal(lateByRows.Dropped, lateByColumns.Dropped);
                Assert.Equal(lateByRows.Rows.Select(Describe), lateByColumns.Rows.Select(Describe));
            }
        }
    }

    [Fact]
    public void ColumnarRoute_GivesEachRecordItsOwnRow_AndLateRowsTheirOwnArrays()
    {
        var join = (StreamJoinOperator)PlanOf(Spec("inner", "k = rk AND lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds")).Stateful!;
        var schema = new StreamSchema([new Column("k", DataType.Int), new Column("s", DataType.String), new Column("d", DataType.Double), new Column("lt", DataType.Timestamp)]);
        var batch = ColumnBatch.FromRows(schema, [[1, "a", 1.0, Seconds(10)], [1, "b", 2.0, Seconds(11)], [2, "c", 3.0, Seconds(1)], [3, "d", 4.0, Seconds(2)]]);
        var router = new KeyGroupRouter(KeyGroups);
        var late = new LateRowSet();
        join.Route(batch, new BatchContext(0, 5_000, 0) { StreamIndex = 0 }, router, late);

        var values = router.Groups.Values.SelectMany(r => r).Select(r => r.Value).ToList();
        Assert.Equal(2, values.Count);
        Assert.NotSame(values[0], values[1]);
        Assert.All(values, v => Assert.Equal(0, v[0]));
        Assert.Equal(["2|c|3|1970-01-01T00:00:01.0000000Z", "3|d|4|1970-01-01T00:00:02.0000000Z"], late.Rows.Select(Describe));
        Assert.NotSame(late.Rows[0], late.Rows[1]);
    }

    private const string Q7 = """
        {
          "name": "q7",
          "source": {"kind": "nexmark", "name": "bid", "options": {"stream": "bid", "events": "1000", "partitions": "2"}},
          "operators": [
            {"op": "withWatermark", "column": "dateTime", "delay": "4 seconds"},
            {"op": "select", "columns": ["auction", "bidder", "price", "dateTime", "extra"]},
            {"op": "join", "joinType": "inner", "condition": "price = maxprice AND dateTime BETWEEN wend - interval 10 seconds AND wend",
             "right": {"source": {"kind": "nexmark", "name": "bid_max", "options": {"stream": "bid", "events": "1000", "partitions": "2"}},
                       "operators": [
                         {"op": "withWatermark", "column": "dateTime", "delay": "4 seconds"},
                         {"op": "groupBy", "keys": ["window(dateTime, '10 seconds') AS window"], "aggs": ["max(price) AS maxprice"]},
                         {"op": "select", "columns": ["maxprice", "window.end AS wend"]}]}}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "append"
        }
        """;

    [Fact]
    public void Q7_BidsJoinedAfterASelect_ReadOnlyTheSelectedSourceColumns()
    {
        var plan = PlanOf(Q7);
        var bids = plan.Streams[0];
        Assert.NotNull(bids.ColumnsRead);
        var read = bids.SourceSchema.Columns.Select((c, i) => (c.Name, Read: bids.ColumnsRead![i])).Where(c => c.Read).Select(c => c.Name);
        Assert.Equal(["auction", "bidder", "price", "dateTime", "extra"], read);
        // The other side's aggregation reads only what its window and max need.
        Assert.NotNull(plan.Streams[1].ColumnsRead);
    }

    [Fact]
    public void ALateRowsSink_ReadsEveryColumnOfTheJoinsStream()
    {
        var spec = Q7.Replace("\"outputMode\": \"append\"", "\"outputMode\": \"append\", \"options\": {\"lateRowsSink\": \"late\"}");
        Assert.Null(PlanOf(spec).Streams[0].ColumnsRead);
    }

    private static DateTime Seconds(long s) => DateTime.UnixEpoch.AddSeconds(s);

    private static object?[] RandomRow(Random random, int stream)
    {
        int? key = random.Next(8) == 0 ? null : random.Next(0, 6);
        var text = random.Next(6) == 0 ? null : ((char)('a' + random.Next(3))).ToString();
        DateTime? time = random.Next(12) == 0 ? null : Seconds(random.Next(0, 50));
        return stream == 0 ? [key, text, random.Next(4) == 0 ? double.NaN : random.NextDouble(), time] : [key, text, time];
    }

    private static List<string> Records(KeyGroupRouter router) =>
        [.. router.Groups.OrderBy(g => g.Key).SelectMany(g => g.Value.Select(r => $"{g.Key}:{Convert.ToHexString(r.Key)}={Describe(r.Value)}"))];

    private static string Describe(object?[] row) => string.Join("|", row.Select(v => v switch
    {
        null => "null",
        DateTime t => t.ToString("O"),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
    }));
}
