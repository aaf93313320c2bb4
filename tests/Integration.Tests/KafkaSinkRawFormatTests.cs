using System.Text;
using Confluent.Kafka;
using Sluice.Connectors.Kafka;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// The Kafka sink's format raw: Spark's sink columns. <c>value</c> and <c>key</c> (string or binary) are the record's
/// value and key as they are, <c>partition</c> picks the partition (null: the key does), <c>headers</c> come before the
/// sink's own, and other columns (a <c>topic</c> column included: the sink's topic wins, as Spark's option does) are
/// not written.
/// </summary>
public sealed class KafkaSinkRawFormatTests : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();
    private readonly string _topic = "raw-" + Guid.NewGuid().ToString("N")[..8];

    public KafkaSinkRawFormatTests() => _kafka.CreateTopic(_topic, 3);

    [Fact]
    public void RawRows_AreWrittenAsTheirKeyValuePartitionAndHeaders()
    {
        var schema = new StreamSchema(
        [
            new Column("key", DataType.String),
            new Column("value", DataType.Binary),
            new Column("partition", DataType.Int),
            new Column("headers", DataType.Array(KafkaRawSchema.HeaderType)),
            new Column("topic", DataType.String),
            new Column("note", DataType.String),
        ]);
        var sink = new SinkSpec { Kind = "kafka", Topic = _topic, Settings = new Dictionary<string, string> { ["format"] = "\"raw\"" } };
        Assert.Null(KafkaSinkRecords.Problem(sink, schema));
        List<object?[]> rows =
        [
            ["k1", new byte[] { 1, 2, 3 }, 2, new object?[] { new StructValue(["h", new byte[] { 9 }]) }, "elsewhere", "not written"],
            [null, Encoding.UTF8.GetBytes("no key"), 0, null, null, null],
        ];

        using (var writer = new KafkaSinkWriter(_topic, _kafka.BootstrapServers, Guid.NewGuid(), writer: 0))
        {
            Assert.Equal(2, writer.Write(0, rows, KafkaSinkRecords.For(sink, schema)));
        }

        var records = Read();
        var first = Assert.Single(records, r => r.Partition == 2);
        Assert.Equal("k1", Encoding.UTF8.GetString(first.Message.Key!));
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Message.Value);
        Assert.Equal(["h", KafkaSinkTail.QueryHeader, KafkaSinkTail.BatchHeader], first.Message.Headers.Select(h => h.Key));
        Assert.Equal(new byte[] { 9 }, first.Message.Headers[0].GetValueBytes());
        var second = Assert.Single(records, r => r.Partition == 0);
        Assert.Null(second.Message.Key);
        Assert.Equal("no key", Encoding.UTF8.GetString(second.Message.Value!));
    }

    [Fact]
    public void APartitionTheTopicLacks_FailsTheBatchNamingIt_AndWritesNothing()
    {
        var schema = new StreamSchema([new Column("value", DataType.String), new Column("partition", DataType.Int)]);
        var sink = new SinkSpec { Kind = "kafka", Topic = _topic, Settings = new Dictionary<string, string> { ["format"] = "\"raw\"" } };
        using var writer = new KafkaSinkWriter(_topic, _kafka.BootstrapServers, Guid.NewGuid(), writer: 0);

        var error = Assert.Throws<InvalidOperationException>(() => writer.Write(0, [["a", 0], ["b", 7]], KafkaSinkRecords.For(sink, schema)));

        Assert.Contains($"partition column is 7, which topic '{_topic}' does not have", error.Message);
    }

    [Theory]
    [InlineData("key", "int", "key attribute unsupported type int. key must be a(n) string or binary")]
    [InlineData("value", "bigint", "value attribute unsupported type bigint. value must be a(n) string or binary")]
    [InlineData("partition", "bigint", "partition attribute unsupported type bigint. partition must be a(n) int")]
    [InlineData("headers", "string", "headers attribute unsupported type string. headers must be a(n) array<struct<key:string,value:binary>>")]
    public void RawColumns_OfTheWrongType_AreNamedWithWhatTheyMustBe(string column, string type, string problem)
    {
        var columns = new List<Column> { new("value", DataType.String) };
        columns.RemoveAll(c => c.Name == column);
        Assert.True(DataType.TryParse(type, out var parsed));
        columns.Add(new Column(column, parsed));
        var sink = new SinkSpec { Kind = "kafka", Topic = _topic, Settings = new Dictionary<string, string> { ["format"] = "\"raw\"" } };

        Assert.StartsWith(problem, KafkaSinkRecords.Problem(sink, new StreamSchema(columns)));
    }

    private List<ConsumeResult<byte[]?, byte[]?>> Read()
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "check-" + _topic, EnablePartitionEof = true }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(_topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var eofs = 0;
        while (eofs < 3 && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                eofs++;
            }
            else
            {
                records.Add(result);
            }
        }
        return records;
    }

    public void Dispose() => _kafka.Dispose();
}
