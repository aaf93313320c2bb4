using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Sluice.Data;
using Sluice.Connectors.Files;

namespace Sluice.Tests.Sinks.Files;

public sealed class ParquetDataFileTests
{
    private static readonly DateTime Start = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_560);

    private static readonly StreamSchema EveryType = new(
    [
        new Column("s", DataType.String),
        new Column("i", DataType.Int),
        new Column("l", DataType.Long),
        new Column("d", DataType.Double),
        new Column("b", DataType.Boolean),
        new Column("t", DataType.Timestamp),
        new Column("bin", DataType.Binary),
        new Column("window", DataType.Window),
    ]);

    private static async Task<(ParquetSchema Schema, IList<Dictionary<string, object>> Rows)> RoundTripAsync(StreamSchema schema, List<object?[]> rows)
    {
        using var stream = new MemoryStream();
        await ParquetDataFile.WriteAsync(stream, schema, rows, CancellationToken.None);
        stream.Position = 0;
        await using (var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true))
        {
            Assert.Equal(1, reader.RowGroupCount);
        }
        stream.Position = 0;
        var read = await ParquetSerializer.DeserializeUntypedAsync(stream);
        return (read.Schema, read.Data);
    }

    [Fact]
    public async Task Write_EveryType_ReadsBackTheSameValues()
    {
        var row = new object?[]
        {
            "ünïcode", 42, 1L << 40, 2.5, true, Start, new byte[] { 0, 1, 255 }, new StructValue([Start, Start.AddMinutes(5)]),
        };

        var (_, rows) = await RoundTripAsync(EveryType, [row]);

        var read = Assert.Single(rows);
        Assert.Equal("ünïcode", read["s"]);
        Assert.Equal(42, read["i"]);
        Assert.Equal(1L << 40, read["l"]);
        Assert.Equal(2.5, read["d"]);
        Assert.Equal(true, read["b"]);
        Assert.Equal(Start, read["t"]);
        Assert.Equal(new byte[] { 0, 1, 255 }, read["bin"]);
        var window = Assert.IsAssignableFrom<IDictionary<string, object>>(read["window"]);
        Assert.Equal(Start, window["start"]);
        Assert.Equal(Start.AddMinutes(5), window["end"]);
    }

    [Fact]
    public async Task Write_Nulls_ReadBackAsAbsentValuesInEveryColumn()
    {
        var allNull = new object?[EveryType.Count];
        var nullEnd = new object?[] { "x", null, null, null, null, null, null, new StructValue([Start, null]) };

        var (_, rows) = await RoundTripAsync(EveryType, [allNull, nullEnd]);

        Assert.Equal(2, rows.Count);
        Assert.Empty(rows[0]);
        var window = Assert.IsAssignableFrom<IDictionary<string, object>>(rows[1]["window"]);
        Assert.Equal(Start, window["start"]);
        Assert.False(window.ContainsKey("end"));
        Assert.Equal(["s", "window"], rows[1].Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Write_Schema_IsNullableColumnsWithUtcMicrosTimestampsAndAWindowGroup()
    {
        var (schema, _) = await RoundTripAsync(EveryType, [new object?[EveryType.Count]]);

        Assert.Equal(EveryType.Columns.Select(c => c.Name), schema.Fields.Select(f => f.Name));
        Assert.All(schema.GetDataFields(), f => Assert.True(f.IsNullable));
        var time = Assert.IsType<DateTimeDataField>(schema.FindDataField("t"));
        Assert.True(time.IsAdjustedToUTC);
        Assert.Equal(DateTimeTimeUnit.Micros, time.Unit);
        var window = Assert.IsType<StructField>(schema.Fields[^1]);
        Assert.Equal(["start", "end"], window.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task Write_TimestampFinerThanMicroseconds_KeepsMicrosecondsAsSparkDoes()
    {
        var schema = new StreamSchema([new Column("t", DataType.Timestamp)]);

        var (_, rows) = await RoundTripAsync(schema, [[Start.AddTicks(7)]]);

        Assert.Equal(Start, Assert.Single(rows)["t"]);
    }

    [Fact]
    public async Task Write_NumbersHeldNarrowerThanTheirColumn_AreWidened()
    {
        var schema = new StreamSchema([new Column("l", DataType.Long), new Column("d", DataType.Double)]);

        var (_, rows) = await RoundTripAsync(schema, [[7, 3L]]);

        Assert.Equal(7L, rows[0]["l"]);
        Assert.Equal(3.0, rows[0]["d"]);
    }

    [Fact]
    public void Validate_ArrayColumn_IsRefusedNamingTheColumnAndTheWayOut()
    {
        var schema = new StreamSchema([new Column("tags", DataType.Array(DataType.String))]);

        var error = Assert.Throws<NotSupportedException>(() => ParquetDataFile.Validate(schema));

        Assert.Equal("Parquet data source does not support array<string> data type (column 'tags'). Cast or drop the column, or use the json sink.", error.Message);
    }
}
