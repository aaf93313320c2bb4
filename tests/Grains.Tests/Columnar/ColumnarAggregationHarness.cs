using System.Globalization;
using System.Text.Json;
using Sluice.Columnar;
using Sluice.Connectors;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State.Encoding;

namespace Sluice.Tests.Columnar;

/// <summary>
/// Plans a groupBy with <see cref="QueryPlanner"/> and routes one batch both ways: on columns, and on
/// <see cref="ColumnBatch.AppendRowsTo"/>'s rows of the same batch, asserting that both give the same key groups, the
/// same records in the same order (key bytes, buffer values with their CLR types and double bits), the same late rows
/// and the same drop count.
/// </summary>
internal static class ColumnarAggregationHarness
{
    /// <summary>The aggregation of a query over <paramref name="schema"/> with an optional watermark (0 s delay) on <paramref name="watermark"/>.</summary>
    public static AggregationOperator Plan(StreamSchema schema, IReadOnlyList<string> keys, IReadOnlyList<string> aggs, string mode, string? watermark)
    {
        var operators = new List<object>();
        if (watermark is not null)
        {
            operators.Add(new Dictionary<string, object> { ["op"] = "withWatermark", ["column"] = watermark, ["delay"] = "0 seconds" });
        }
        operators.Add(new Dictionary<string, object> { ["op"] = "groupBy", ["keys"] = keys, ["aggs"] = aggs });
        var spec = new Dictionary<string, object>
        {
            ["name"] = "columnar_agg",
            ["source"] = new Dictionary<string, object>
            {
                ["kind"] = "memory",
                ["schema"] = schema.Columns.ToDictionary(c => c.Name, c => c.Type.ToString()),
            },
            ["operators"] = operators,
            ["sink"] = new Dictionary<string, object> { ["kind"] = "memory" },
            ["outputMode"] = mode,
        };
        var plan = QueryPlanner.Plan(SpecReader.Read(JsonSerializer.Serialize(spec)), BuiltInConnectors.CreateRegistry());
        return Assert.IsType<AggregationOperator>(plan.Stateful);
    }

    /// <summary>Routes the batch both ways and asserts the same result; returns the columnar route's.</summary>
    public static (KeyGroupRouter Output, LateRowSet Late) AssertSameRoute(AggregationOperator op, ColumnBatch batch, long watermarkMs, int keyGroups = 4)
    {
        var rows = new List<object?[]>();
        batch.AppendRowsTo(rows);
        var expected = new KeyGroupRouter(keyGroups);
        var expectedLate = new LateRowSet();
        op.Route(rows, new BatchContext(1, watermarkMs, 0), expected, expectedLate);

        var actual = new KeyGroupRouter(keyGroups);
        var actualLate = new LateRowSet();
        op.Route(batch, new BatchContext(1, watermarkMs, 0), actual, actualLate);

        Assert.Equal(expected.Groups.Keys.Order(), actual.Groups.Keys.Order());
        foreach (var (group, records) in expected.Groups)
        {
            var other = actual.Groups[group];
            Assert.Equal(records.Count, other.Count);
            for (var i = 0; i < records.Count; i++)
            {
                Assert.Equal(records[i].Key, other[i].Key);
                Assert.Equal(Describe(records[i].Value), Describe(other[i].Value));
            }
        }
        Assert.Equal(expectedLate.Dropped, actualLate.Dropped);
        Assert.Equal(expectedLate.Rows.Select(Describe), actualLate.Rows.Select(Describe));
        return (actual, actualLate);
    }

    /// <summary>Every record of a route, in key group order, as text (key values and buffer values, typed).</summary>
    public static List<string> Records(KeyGroupRouter output) =>
        [.. output.Groups.OrderBy(g => g.Key).SelectMany(g => g.Value).Select(r => $"{Describe(RowCodec.Decode(r.Key))} => {Describe(r.Value)}")];

    /// <summary>
    /// Values with their CLR types, doubles by bits, so -0.0 and 0.0, int and long differ. NaNs are one value: which
    /// payload a NaN + NaN keeps depends on the operand order the JIT picks, and SQL (Spark, RowCodec) has one NaN.
    /// </summary>
    public static string Describe(object?[] values) => string.Join(", ", values.Select(Describe));

    private static string Describe(object? value) => value switch
    {
        null => "null",
        double d when double.IsNaN(d) => "double:NaN",
        double d => $"double:{BitConverter.DoubleToInt64Bits(d):X}({d.ToString("R", CultureInfo.InvariantCulture)})",
        DateTime t => $"ts:{t.Ticks}:{t.Kind}",
        StructValue s => $"struct[{Describe(s.Values)}]",
        byte[] b => $"bytes:{Convert.ToHexString(b)}",
        _ => $"{value.GetType().Name}:{Convert.ToString(value, CultureInfo.InvariantCulture)}",
    };
}
