using Parquet.Serialization;
using Sluice.Connectors.Files;
using Sluice.Data;

namespace Sluice.Tests.Sinks.Files;

/// <summary>
/// The parquet sink's column-at-a-time writer (<see cref="ParquetColumns"/>) against the untyped serializer's file
/// (<see cref="ParquetDataFile.WriteRecordsAsync"/>): the same values read back on random rows with NULLs everywhere
/// they may be, and no dictionary or boxed value per row.
/// </summary>
public sealed class ParquetColumnsTests
{
    private static readonly StreamSchema Schema = new(
    [
        new Column("s", DataType.String),
        new Column("i", DataType.Int),
        new Column("l", DataType.Long),
        new Column("d", DataType.Double),
        new Column("b", DataType.Boolean),
        new Column("t", DataType.Timestamp),
        new Column("window", DataType.Window),
    ]);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomRows_ReadBackAsTheSerializersFile(int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, 1 + random.Next(3_000)).Select(_ => RandomRow(random, structNulls: false)).ToList();
        Assert.True(ParquetColumns.Fit(Schema, rows));

        Assert.Equal(await ReadBackAsync(rows, columns: false), await ReadBackAsync(rows, columns: true));
    }

    [Fact]
    public async Task NullStruct_GoesThroughTheSerializer_AndReadsBackTheSame()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 500).Select(_ => RandomRow(random, structNulls: true)).ToList();
        Assert.False(ParquetColumns.Fit(Schema, rows));

        Assert.Equal(await ReadBackAsync(rows, columns: false), await ReadBackAsync(rows, columns: true));
    }

    [Fact]
    public async Task Write_AllocatesAThirdOfTheSerializersWay_NoDictionaryPerRow()
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 50_000).Select(_ => RandomRow(random, structNulls: false)).ToList();
        var columns = await LeastAllocatedAsync(stream => ParquetDataFile.WriteAsync(stream, Schema, rows, CancellationToken.None));
        var records = await LeastAllocatedAsync(stream => ParquetDataFile.WriteRecordsAsync(stream, Schema, rows, CancellationToken.None));

        // What remains is Parquet.Net's own encoding (each string's UTF-8 bytes, pages); the serializer's way adds a
        // dictionary and boxed values per row.
        Assert.True(columns * 3 <= records, $"columns: {columns / rows.Count} bytes a row, the serializer: {records / rows.Count}");
    }

    private static async Task<long> LeastAllocatedAsync(Func<Stream, Task> write)
    {
        var least = long.MaxValue;
        for (var run = 0; run < 4; run++)
        {
            using var stream = new MemoryStream(16 << 20);
            var before = GC.GetAllocatedBytesForCurrentThread();
            await write(stream);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    private static async Task<string> ReadBackAsync(List<object?[]> rows, bool columns)
    {
        using var stream = new MemoryStream();
        if (columns)
        {
            await ParquetDataFile.WriteAsync(stream, Schema, rows, CancellationToken.None);
        }
        else
        {
            await ParquetDataFile.WriteRecordsAsync(stream, Schema, rows, CancellationToken.None);
        }
        stream.Position = 0;
        var read = await ParquetSerializer.DeserializeUntypedAsync(stream);
        return string.Join("\n", read.Data.Select(Describe));
    }

    private static string Describe(IDictionary<string, object> row) =>
        string.Join(", ", row.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
            $"{kv.Key}={(kv.Value is IDictionary<string, object> inner ? "{" + Describe(inner) + "}" : kv.Value is double d ? BitConverter.DoubleToInt64Bits(d).ToString() : kv.Value?.ToString())}"));

    private static object?[] RandomRow(Random random, bool structNulls)
    {
        var start = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc).AddTicks(random.Next(1_000_000) * 10L);
        object? Maybe(object value) => random.Next(5) == 0 ? null : value;
        return
        [
            Maybe(random.Next(3) == 0 ? "ünï" + random.Next(100) : "u" + random.Next(1_000)),
            Maybe(random.Next(-5, 5)),
            Maybe(random.Next(2) == 0 ? (long)random.Next() << 8 : random.Next(10)),
            Maybe(random.Next(4) == 0 ? double.NaN : (random.NextDouble() - 0.5) * 1e6),
            Maybe(random.Next(2) == 0),
            Maybe(start),
            structNulls && random.Next(4) == 0 ? null : new StructValue([start, random.Next(6) == 0 ? null : start.AddMinutes(5)]),
        ];
    }
}
