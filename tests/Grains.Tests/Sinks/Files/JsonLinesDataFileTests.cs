using System.Text;
using Sluice.Data;
using Sluice.Connectors.Files;

namespace Sluice.Tests.Sinks.Files;

public sealed class JsonLinesDataFileTests
{
    [Fact]
    public async Task Write_Rows_AreOneJsonObjectPerLineWithIsoTimestampsAndNestedWindows()
    {
        var schema = new StreamSchema(
        [
            new Column("window", DataType.Window),
            new Column("product", DataType.String),
            new Column("revenue", DataType.Double),
            new Column("raw", DataType.Binary),
        ]);
        var start = new DateTime(2024, 1, 2, 3, 0, 0, DateTimeKind.Utc);
        List<object?[]> rows =
        [
            [new StructValue([start, start.AddMinutes(5)]), "p1", 12.5, new byte[] { 1, 2 }],
            [new StructValue([start, start.AddMilliseconds(1500)]), null, 1.0, null],
        ];
        using var stream = new MemoryStream();

        await JsonLinesDataFile.WriteAsync(stream, schema, rows, CancellationToken.None);

        Assert.Equal(
            "{\"window\":{\"start\":\"2024-01-02T03:00:00Z\",\"end\":\"2024-01-02T03:05:00Z\"},\"product\":\"p1\",\"revenue\":12.5,\"raw\":\"AQI=\"}\n" +
            "{\"window\":{\"start\":\"2024-01-02T03:00:00Z\",\"end\":\"2024-01-02T03:00:01.5Z\"},\"product\":null,\"revenue\":1,\"raw\":null}\n",
            Encoding.UTF8.GetString(stream.ToArray()));
    }
}
