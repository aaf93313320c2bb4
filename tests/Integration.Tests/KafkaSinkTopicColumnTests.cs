using System.Text;
using Confluent.Kafka;
using Sluice.Connectors.Kafka;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// A Kafka sink of format raw without a topic, whose rows name their topics in a <c>topic</c> column (Spark's
/// KafkaSinkSuite "write to kafka with topic field"): each batch's marker is committed on every topic the batch writes
/// to, and a fresh writer finds a replayed batch on the topics of its own rows.
/// </summary>
public sealed class KafkaSinkTopicColumnTests : IDisposable
{
    private static readonly StreamSchema Schema = new([new Column("topic", DataType.String), new Column("value", DataType.String)]);
    private static readonly KafkaSinkRecords Records =
        KafkaSinkRecords.For(new SinkSpec { Kind = "kafka", Settings = new Dictionary<string, string> { ["format"] = "\"raw\"" } }, Schema);

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();
    private readonly string _a = "a-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _b = "b-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _queryId = Guid.NewGuid();

    public KafkaSinkTopicColumnTests()
    {
        _kafka.CreateTopic(_a, 1);
        _kafka.CreateTopic(_b, 2);
    }

    [Fact]
    public void TopicColumn_WithoutASinkTopic_IsAccepted() =>
        Assert.Null(KafkaSinkRecords.Problem(new SinkSpec { Kind = "kafka", Settings = new Dictionary<string, string> { ["format"] = "\"raw\"" } }, Schema));

    [Fact]
    public void RowsGoToTheirTopics_AndAFreshWriterSkipsTheBatchItWrote()
    {
        using (var writer = NewWriter())
        {
            Assert.Equal(3, writer.Write(0, [[_a, "1"], [_b, "2"], [_b, "3"]], Records));
        }

        using var fresh = NewWriter();
        Assert.Equal(ISinkGrain.AlreadyCommitted, fresh.Write(0, [[_a, "1"], [_b, "2"], [_b, "3"]], Records));
        Assert.Equal(1, fresh.Write(1, [[_b, "4"]], Records));

        using var third = NewWriter();
        Assert.Equal(ISinkGrain.AlreadyCommitted, third.Write(1, [[_b, "4"]], Records));
        Assert.Equal(1, third.Write(2, [[_a, "5"]], Records));

        Assert.Equal(["1", "5"], Values(_a, 1).Order());
        Assert.Equal(["2", "3", "4"], Values(_b, 2).Order());
    }

    [Fact]
    public void TheSinkGroupHoldsBatchNOnOneOfItsTopics_TreatsNAsWritten()
    {
        // What a real broker holds after batch 3's transaction to topics a and b (the mock stores nothing for
        // TxnOffsetCommit): the sink group's offset 4 on each; one of them is enough.
        using (var group = KafkaSinkTail.GroupConsumer(_kafka.BootstrapServers, _queryId.ToString("N")))
        {
            group.Commit([KafkaSinkTail.Marker(_b, 3)]);
        }

        using var fresh = NewWriter();
        Assert.Equal(ISinkGrain.AlreadyCommitted, fresh.Write(3, [[_a, "6"], [_b, "7"]], Records));
        Assert.Equal(1, fresh.Write(4, [[_a, "8"]], Records));

        Assert.Equal(["8"], Values(_a, 1));
        Assert.Empty(Values(_b, 2));
    }

    [Fact]
    public void ANullTopic_FailsTheBatchWithSparksWords_AndWritesNothing()
    {
        using var writer = NewWriter();

        var error = Assert.Throws<InvalidOperationException>(() => writer.Write(0, [[_a, "1"], [null, "2"]], Records));

        Assert.Contains("null topic present in the data. Use the topic option for setting a default topic", error.Message);
        Assert.Empty(Values(_a, 1));
    }

    private KafkaSinkWriter NewWriter() => new(topic: null, _kafka.BootstrapServers, _queryId, writer: 0);

    /// <summary>The values of this query's committed records in <paramref name="topic"/>.</summary>
    private List<string> Values(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "check-" + topic,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<string>();
        var eofs = 0;
        while (eofs < partitions && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                eofs++;
            }
            else if (result.Message.Headers.TryGetLastBytes(KafkaSinkTail.QueryHeader, out var query) && Encoding.UTF8.GetString(query) == _queryId.ToString("N"))
            {
                values.Add(result.Message.Value);
            }
        }
        return values;
    }

    public void Dispose() => _kafka.Dispose();
}
