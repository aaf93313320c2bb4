using Confluent.Kafka;
using Sluice.Connectors.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Sluice.Tests.Sources;

public sealed class EmbeddedKafkaTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();

    public void Dispose() => _kafka.Dispose();

    private IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafka.BootstrapServers, AllowAutoCreateTopics = false }).Build();

    [Fact]
    public void Start_GivesLocalhostBootstrapServers()
    {
        Assert.Matches(@"^127\.0\.0\.1:\d+$", _kafka.BootstrapServers);
    }

    [Fact]
    public void CreateTopic_FourPartitions_ShowsInMetadata()
    {
        _kafka.CreateTopic("four", 4);

        using var admin = Admin();
        var topic = Assert.Single(admin.GetMetadata("four", Timeout).Topics);
        Assert.False(topic.Error.IsError);
        Assert.Equal([0, 1, 2, 3], topic.Partitions.Select(p => p.PartitionId).Order());
    }

    [Fact]
    public void CreateTopic_SameTopicAndPartitionsTwice_IsIdempotent()
    {
        _kafka.CreateTopic("twice", 2);

        _kafka.CreateTopic("twice", 2);

        using var admin = Admin();
        Assert.Equal(2, Assert.Single(admin.GetMetadata("twice", Timeout).Topics).Partitions.Count);
    }

    [Fact]
    public void CreateTopic_ExistingWithOtherPartitionCount_FailsNamingBothCounts()
    {
        _kafka.CreateTopic("fixed", 2);

        var e = Assert.Throws<InvalidOperationException>(() => _kafka.CreateTopic("fixed", 3));

        Assert.Contains("2 partitions, not 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Produce_ToCreatedTopic_AdvancesThatPartitionsHighWatermark()
    {
        _kafka.CreateTopic("produced", 4);

        KafkaTestData.Produce(_kafka.BootstrapServers, "produced", 2, KafkaTestData.Ids(0, 5));

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "probe" }).Build();
        Assert.Equal(5, consumer.QueryWatermarkOffsets(new TopicPartition("produced", 2), Timeout).High.Value);
        Assert.Equal(0, consumer.QueryWatermarkOffsets(new TopicPartition("produced", 1), Timeout).High.Value);
    }

    [Fact]
    public void Start_SeveralClustersAtOnce_EachHasItsOwnBrokers()
    {
        using var second = EmbeddedKafka.Start(brokers: 3);
        second.CreateTopic("only-in-second", 1);

        Assert.NotEqual(_kafka.BootstrapServers, second.BootstrapServers);
        Assert.Equal(3, second.BootstrapServers.Split(',').Length);
        using var admin = Admin();
        var topic = Assert.Single(admin.GetMetadata("only-in-second", Timeout).Topics);
        Assert.Equal(ErrorCode.UnknownTopicOrPart, topic.Error.Code);
    }

    [Fact]
    public void Dispose_Twice_IsHarmless()
    {
        var kafka = EmbeddedKafka.Start();

        kafka.Dispose();
        kafka.Dispose();

        Assert.Throws<ObjectDisposedException>(() => kafka.CreateTopic("late", 1));
    }
}
