using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Connectors.Kafka;

namespace Sluice.IntegrationTests;

/// <summary>
/// The Kafka sink's replay detection from a fresh writer (a new activation, as on another silo after a crash):
/// whatever other producers wrote to the topic after the batch, and from the sink group's offset.
/// </summary>
public sealed class KafkaSinkReplayTests : IDisposable
{
    private static readonly StreamSchema Schema = new([new Column("id", DataType.Int)]);
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();
    private readonly string _topic = "out-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _queryId = Guid.NewGuid();

    public KafkaSinkReplayTests() => _kafka.CreateTopic(_topic, 2);

    [Fact]
    public void FreshWriter_AfterTenThousandForeignRecords_RecognizesItsLastBatchAndWritesEachIdOnce()
    {
        using (var writer = NewWriter())
        {
            Assert.Equal(2, writer.Write(0, Rows(0, 1), Json));
            Assert.Equal(2, writer.Write(1, Rows(2, 3), Json));
        }
        ProduceForeign(10_000);

        using var fresh = NewWriter();
        Assert.Equal(ISinkGrain.AlreadyCommitted, fresh.Write(1, Rows(2, 3), Json));
        Assert.Equal(2, fresh.Write(2, Rows(4, 5), Json));

        Assert.Equal([0, 1, 2, 3, 4, 5], OurIds().Order());
    }

    [Fact]
    public void FreshWriter_TheSinkGroupHoldsBatchN_TreatsNAsWritten()
    {
        // What a real broker holds after batch 3's transaction (the mock stores nothing for TxnOffsetCommit): the sink
        // group's offset 4, though the topic shows no record of batch 3 at all.
        using (var group = KafkaSinkTail.GroupConsumer(_kafka.BootstrapServers, _queryId.ToString("N")))
        {
            group.Commit([KafkaSinkTail.Marker(_topic, 3)]);
        }

        using var fresh = NewWriter();
        Assert.Equal(ISinkGrain.AlreadyCommitted, fresh.Write(3, Rows(6, 7), Json));
        Assert.Equal(2, fresh.Write(4, Rows(8, 9), Json));

        Assert.Equal([8, 9], OurIds().Order());
    }

    [Fact]
    public void Write_ToATopicThatDoesNotExist_FailsNamingTheTopicAndTheFix()
    {
        using var writer = new KafkaSinkWriter("missing-" + _topic, _kafka.BootstrapServers, _queryId, writer: 0);

        var error = Assert.Throws<InvalidOperationException>(() => writer.Write(0, Rows(1), Json));

        Assert.Contains($"topic 'missing-{_topic}' does not exist", error.Message);
        Assert.Contains("create the topic", error.Message);
    }

    private static readonly KafkaSinkRecords Json = KafkaSinkRecords.For(new Spec.SinkSpec { Kind = "kafka", Topic = "out" }, Schema);

    private KafkaSinkWriter NewWriter() => new(_topic, _kafka.BootstrapServers, _queryId, writer: 0);

    private static List<object?[]> Rows(params int[] ids) => [.. ids.Select(id => new object?[] { id })];

    private void ProduceForeign(int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 5 }).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(_topic, i % 2), new Message<Null, string> { Value = $"{{\"foreign\": {i}}}" });
        }
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>The ids in this query's records (header <c>sluice.query</c>), read_committed from the start.</summary>
    private List<int> OurIds()
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "check-" + _topic, EnablePartitionEof = true }).Build();
        consumer.Assign(Enumerable.Range(0, 2).Select(p => new TopicPartitionOffset(_topic, p, Offset.Beginning)));
        var ids = new List<int>();
        var eofs = 0;
        while (eofs < 2 && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                eofs++;
            }
            else if (result.Message.Headers.TryGetLastBytes("sluice.query", out var query) && Encoding.UTF8.GetString(query) == _queryId.ToString("N"))
            {
                ids.Add(JsonDocument.Parse(result.Message.Value).RootElement.GetProperty("id").GetInt32());
            }
        }
        return ids;
    }

    public void Dispose() => _kafka.Dispose();
}
