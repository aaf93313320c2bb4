using System.Globalization;
using Sluice.Columnar;
using Sluice.Data;

namespace Sluice.Tests.Columnar;

/// <summary>
/// The columnar route of a groupBy against its row route on the same batches: random schemas, values (NULLs, extremes,
/// NaNs and signed zeros, times before the epoch and out of order, few and many groups), selection vectors, keys
/// (columns of every laned type, tumbling and sliding windows with offsets), aggregates, watermarks (some groups late)
/// and output modes. Every case must give the same key groups, records, late rows and drop counts.
/// </summary>
public sealed class ColumnarAggregationEquivalenceTests
{
    private static readonly DataType[] LanedTypes = [DataType.String, DataType.Int, DataType.Long, DataType.Timestamp, DataType.Boolean, DataType.Double];

    private static readonly double[] SpecialDoubles =
    [
        double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), -0.0, 0.0, 1.5, -2.25, double.PositiveInfinity,
        double.NegativeInfinity, 1e308, -1e308, double.Epsilon,
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void RandomQueriesAndBatches_RouteTheSameOnColumnsAsOnRows(int seed)
    {
        var random = new Random(seed);
        var checkedColumnar = 0;
        for (var query = 0; query < 40; query++)
        {
            var schema = RandomSchema(random);
            var (keys, aggs, watermark, mode) = RandomQuery(random, schema);
            var op = ColumnarAggregationHarness.Plan(schema, keys, aggs, mode, watermark);
            Assert.True(op.RoutesColumns, $"keys [{string.Join(", ", keys)}], aggs [{string.Join(", ", aggs)}]");
            var shape = new BatchShape(random);
            for (var b = 0; b < 4; b++)
            {
                var batch = RandomBatch(random, schema, shape);
                var watermarkMs = random.Next(6) switch
                {
                    0 => 0,
                    1 => long.MaxValue,
                    _ => shape.BaseMs + random.Next(-shape.SpreadMs, shape.SpreadMs + 1),
                };
                ColumnarAggregationHarness.AssertSameRoute(op, batch, watermarkMs, keyGroups: 1 + random.Next(8));
                checkedColumnar++;
            }
        }
        Assert.Equal(160, checkedColumnar);
    }

    internal static StreamSchema RandomSchema(Random random)
    {
        var columns = new List<Column> { new("ts", DataType.Timestamp) };
        var count = 1 + random.Next(5);
        for (var i = 1; i <= count; i++)
        {
            columns.Add(new Column($"c{i}", LanedTypes[random.Next(LanedTypes.Length)]));
        }
        if (random.Next(3) == 0)
        {
            // A column of a type without a typed vector, never read by the route: late rows still carry it.
            columns.Add(new Column("payload", DataType.Binary));
        }
        return new StreamSchema(columns);
    }

    internal static (List<string> Keys, List<string> Aggs, string? Watermark, string Mode) RandomQuery(Random random, StreamSchema schema)
    {
        var keys = new List<string>();
        var window = random.Next(4) != 0;
        if (window)
        {
            keys.Add(RandomWindow(random) + " AS w");
        }
        var columns = schema.Columns.Where(c => KeyTypes(c.Type)).Select(c => c.Name).OrderBy(_ => random.Next()).ToList();
        keys.AddRange(columns.Take(random.Next(Math.Min(3, columns.Count) + 1)));
        var aggs = new List<string>();
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            aggs.Add($"{RandomAggregate(random, schema)} AS a{i}");
        }
        var watermarkOnKey = keys.Contains("ts") || window;
        string? watermark = random.Next(4) == 0 ? null : "ts";
        var modes = watermark is not null && watermarkOnKey ? new[] { "update", "append", "complete" } : ["update", "complete"];
        return (keys, aggs, watermark, modes[random.Next(modes.Length)]);
    }

    private static bool KeyTypes(DataType type) => type.Kind != DataTypeKind.Binary;

    private static string RandomWindow(Random random)
    {
        var size = new[] { 1, 7, 10, 13, 60, 300 }[random.Next(6)];
        var slide = random.Next(3) switch
        {
            0 => size,
            1 => Math.Max(1, size / 2),
            _ => Math.Max(1, size / 3 + random.Next(2)),
        };
        var offset = slide > 1 && random.Next(2) == 0 ? random.Next(-slide + 1, slide) : 0;
        return random.Next(3) switch
        {
            0 when slide == size && offset == 0 => $"window(ts, '{size} seconds')",
            1 when offset == 0 => $"window(ts, '{size} seconds', '{slide} seconds')",
            _ => $"window(ts, '{size} seconds', '{slide} seconds', '{offset} seconds')",
        };
    }

    private static string RandomAggregate(Random random, StreamSchema schema)
    {
        var numeric = schema.Columns.Where(c => c.Type.Kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double).Select(c => c.Name).ToList();
        var ordered = schema.Columns.Where(c => c.Type.Kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double or DataTypeKind.Timestamp).Select(c => c.Name).ToList();
        var any = schema.Columns.Select(c => c.Name).ToList();
        while (true)
        {
            switch (random.Next(8))
            {
                case 0:
                    return "count(*)";
                case 1:
                    return "count(1)";
                case 2:
                    return $"count({any[random.Next(any.Count)]})";
                case 3 when numeric.Count > 0:
                    return $"sum({numeric[random.Next(numeric.Count)]})";
                case 4 when numeric.Count > 0:
                    return $"avg({numeric[random.Next(numeric.Count)]})";
                case 5:
                    return $"min({ordered[random.Next(ordered.Count)]})";
                case 6:
                    return $"max({ordered[random.Next(ordered.Count)]})";
                case 7 when numeric.Count > 0:
                    return $"mean({numeric[random.Next(numeric.Count)]})";
            }
        }
    }

    /// <summary>One query's batches share a shape: how many distinct values, how spread the times, how many NULLs.</summary>
    internal sealed class BatchShape(Random random)
    {
        public int Rows { get; } = random.Next(4) == 0 ? random.Next(3) : random.Next(1, 700);
        public int Distinct { get; } = new[] { 1, 3, 40, 5000 }[random.Next(4)];
        public long BaseMs { get; } = random.Next(-3, 4) * 60_000L + random.Next(-999, 1000);
        public int SpreadMs { get; } = new[] { 500, 20_000, 900_000 }[random.Next(3)];
        public double NullRate { get; } = new[] { 0.0, 0.05, 0.4 }[random.Next(3)];
        public bool Extremes { get; } = random.Next(3) == 0;
        public bool Surrogates { get; } = random.Next(6) == 0;
    }

    internal static ColumnBatch RandomBatch(Random random, StreamSchema schema, BatchShape shape)
    {
        var rows = new List<object?[]>();
        for (var r = 0; r < shape.Rows; r++)
        {
            rows.Add([.. schema.Columns.Select(c => random.NextDouble() < shape.NullRate ? null : Value(random, c.Type.Kind, shape))]);
        }
        var batch = ColumnBatch.FromRows(schema, rows);
        var filters = random.Next(3);
        for (var f = 0; f < filters; f++)
        {
            var keep = random.NextDouble();
            var selected = batch.SelectedCount;
            var buffer = batch.SelectionBuffer();
            var count = 0;
            for (var i = 0; i < selected; i++)
            {
                var row = batch.RowAt(i);
                if (random.NextDouble() < keep)
                {
                    buffer[count++] = row;
                }
            }
            batch.SetSelection(count);
        }
        return batch;
    }

    private static object Value(Random random, DataTypeKind kind, BatchShape shape)
    {
        var n = random.Next(shape.Distinct);
        return kind switch
        {
            DataTypeKind.String => shape.Surrogates && n % 3 == 0 ? new[] { "\uD800x", "\uFFFDx", "\uDC00", "😀", "\uD83D" }[n % 5] : "s" + n.ToString(CultureInfo.InvariantCulture),
            DataTypeKind.Int => shape.Extremes ? new[] { int.MaxValue, int.MinValue, -1, 0, n }[random.Next(5)] : n - (shape.Distinct / 2),
            DataTypeKind.Long => shape.Extremes ? new[] { long.MaxValue, long.MinValue, long.MaxValue - 1, -1L, n }[random.Next(5)] : n - (shape.Distinct / 2L),
            DataTypeKind.Double => shape.Extremes || random.Next(4) == 0 ? SpecialDoubles[random.Next(SpecialDoubles.Length)] : (n - (shape.Distinct / 2)) * 0.25,
            DataTypeKind.Boolean => n % 2 == 0,
            DataTypeKind.Timestamp => new DateTime(DateTime.UnixEpoch.Ticks + ((shape.BaseMs + random.Next(-shape.SpreadMs, shape.SpreadMs + 1)) * TimeSpan.TicksPerMillisecond) + random.Next(-9999, 10_000), DateTimeKind.Utc),
            DataTypeKind.Binary => new byte[] { (byte)n, 1, 2 },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
