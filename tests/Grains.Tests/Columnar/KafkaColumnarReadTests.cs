using System.Text;
using Confluent.Kafka;
using Sluice.Columnar;
using Sluice.Connectors.Kafka;
using Sluice.Data;
using Sluice.Sources.Parsing;
using Sluice.Spec;
using Sluice.Tests.Sources;

namespace Sluice.Tests.Columnar;

/// <summary>The Kafka reader's columnar reads against its row reads of the same ranges (twin readers on one partition).</summary>
public sealed class KafkaColumnarReadTests(EmbeddedKafkaFixture fixture) : IClassFixture<EmbeddedKafkaFixture>
{
    private static readonly StreamSchema Schema = new(
    [
        new Column("user", DataType.String),
        new Column("n", DataType.Long),
        new Column("amount", DataType.Double),
        new Column("at", DataType.Timestamp),
        new Column("tags", DataType.Array(DataType.String)),
        new Column(JsonRowParser.CorruptRecordColumn, DataType.String),
    ]);

    private static SourceSpec Spec(string topic, string format, string mode = "PERMISSIVE") => new()
    {
        Kind = "kafka",
        Topic = topic,
        Format = format,
        Mode = mode,
        Schema = [.. Schema.Columns.Select(c => new KeyValuePair<string, string>(c.Name, c.Type.ToString()))],
    };

    private KafkaPartitionReader Reader(SourceSpec spec, StreamSchema schema) => new(spec, fixture.BootstrapServers, 0, schema);

    [Theory]
    [InlineData("PERMISSIVE")]
    [InlineData("DROPMALFORMED")]
    [InlineData("FAILFAST")]
    public async Task ReadColumns_RandomJsonAndTombstones_GivesTheRowsOfReadAsync(string mode)
    {
        var topic = fixture.NewTopic(1);
        var records = new RandomJsonRecords(Schema, mode.Length, invalidUtf8: false);
        var random = new Random(mode.Length);
        var values = Enumerable.Range(0, 400).Select(_ => random.Next(25) == 0 ? null : Encoding.UTF8.GetString(records.Next())).ToArray();
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, values);
        var spec = Spec(topic, "json", mode);
        using var rows = Reader(spec, Schema);
        using var columns = Reader(spec, Schema);
        foreach (var read in new bool[]?[] { null, [true, false, true, false, false, true] })
        {
            var batch = new ColumnBatch(Schema, read);
            foreach (var (start, end) in new[] { (0L, 150L), (150L, 151L), (151L, 400L), (10L, 90L) })
            {
                await ColumnarEquivalence.AssertSameReadAsync(rows, columns, batch, start, end);
            }
        }
    }

    [Fact]
    public async Task ReadColumns_RangeEndingInATransactionMarker_KeepsTheRecordReadAhead()
    {
        var topic = fixture.NewTopic(1);
        // Offsets 0-2, the commit marker at 3, then 4-6: a read of [0, 4) consumes offset 4 and keeps it for the next range.
        KafkaTestData.ProduceTransaction(fixture.BootstrapServers, topic, 0, """{"user":"a","n":0}""", """{"user":"b","n":1}""", """{"user":"c","n":2}""");
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, """{"user":"d","n":4}""", """{"user":"e","n":5}""", """{"user":"f","n":6}""");
        var spec = Spec(topic, "json");
        using var rows = Reader(spec, Schema);
        using var columns = Reader(spec, Schema);
        var batch = new ColumnBatch(Schema);

        await ColumnarEquivalence.AssertSameReadAsync(rows, columns, batch, 0, 4);
        await ColumnarEquivalence.AssertSameReadAsync(rows, columns, batch, 4, 7);

        Assert.Equal(["d", "e", "f"], Enumerable.Range(0, batch.RowCount).Select(r => batch.Column<StringVector>(0).GetString(r)));
        Assert.Equal(1, columns.Repositions);
    }

    [Fact]
    public async Task ReadColumns_RawFormat_GivesTheRowsOfReadAsync()
    {
        var topic = fixture.NewTopic(1);
        var headers = new Headers { { "h", [1, 2] }, { "trace", Encoding.UTF8.GetBytes("x") } };
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, Enumerable.Range(0, 50).Select(i => new Message<byte[]?, byte[]?>
        {
            Key = i % 3 == 0 ? null : [(byte)i],
            Value = i % 7 == 0 ? null : Encoding.UTF8.GetBytes($"value {i}"),
            Headers = i % 2 == 0 ? headers : null,
            Timestamp = i % 5 == 0 ? Timestamp.Default : new Timestamp(DateTime.UnixEpoch.AddSeconds(1_700_000_000 + i)),
        }));
        var spec = Spec(topic, "raw");
        using var rows = Reader(spec, KafkaRawSchema.Schema);
        using var columns = Reader(spec, KafkaRawSchema.Schema);
        foreach (var read in new bool[]?[] { null, [false, true, true, false, true, true, false, false] })
        {
            var batch = new ColumnBatch(KafkaRawSchema.Schema, read);
            await ColumnarEquivalence.AssertSameReadAsync(rows, columns, batch, 0, 20);
            await ColumnarEquivalence.AssertSameReadAsync(rows, columns, batch, 20, 50);
        }
    }
}
