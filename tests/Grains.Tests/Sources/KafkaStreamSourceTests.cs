using Sluice.Connectors.Kafka;
using Sluice.Spec;

namespace Sluice.Tests.Sources;

public sealed class KafkaStreamSourceTests(EmbeddedKafkaFixture fixture) : IClassFixture<EmbeddedKafkaFixture>
{
    private static SourceSpec Spec(string topic, string startingOffsets = "latest", Dictionary<string, string>? options = null) => new()
    {
        Kind = "kafka",
        Topic = topic,
        StartingOffsets = startingOffsets,
        Options = options ?? [],
    };

    /// <summary>A 4-partition topic holding 3, 0, 5 and 1 records.</summary>
    private string TopicWithData()
    {
        var topic = fixture.NewTopic(4);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 3));
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 2, KafkaTestData.Ids(0, 5));
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 3, KafkaTestData.Ids(0, 1));
        return topic;
    }

    [Fact]
    public void Description_And_OffsetKey_FollowSpark()
    {
        using var source = new KafkaStreamSource(Spec("events"), fixture.BootstrapServers);

        Assert.Equal("KafkaV2[Subscribe[events]]", source.Description);
        Assert.Equal("events", source.OffsetKey);
    }

    [Fact]
    public async Task LatestOffsets_AreEachPartitionsHighWatermark()
    {
        var topic = TopicWithData();
        using var source = new KafkaStreamSource(Spec(topic), fixture.BootstrapServers);

        var latest = await source.LatestOffsetsAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 0, [2] = 5, [3] = 1 }, latest);
    }

    [Fact]
    public async Task LatestOffsets_AfterMoreRecords_MoveOn()
    {
        var topic = TopicWithData();
        using var source = new KafkaStreamSource(Spec(topic), fixture.BootstrapServers);
        await source.LatestOffsetsAsync(CancellationToken.None);

        KafkaTestData.Produce(fixture.BootstrapServers, topic, 1, KafkaTestData.Ids(0, 2));

        Assert.Equal(2, (await source.LatestOffsetsAsync(CancellationToken.None))[1]);
    }

    [Fact]
    public async Task LatestOffsets_PartitionsLedByDifferentBrokers_AreAllListed()
    {
        using var cluster = EmbeddedKafka.Start(brokers: 3);
        cluster.CreateTopic("spread", 6);
        for (var partition = 0; partition < 6; partition++)
        {
            KafkaTestData.Produce(cluster.BootstrapServers, "spread", partition, KafkaTestData.Ids(0, partition));
        }
        using var source = new KafkaStreamSource(Spec("spread", "earliest"), cluster.BootstrapServers);

        var latest = await source.LatestOffsetsAsync(CancellationToken.None);
        var initial = await source.InitialOffsetsAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 6).ToDictionary(p => p, p => (long)p), latest);
        Assert.Equal(Enumerable.Range(0, 6).ToDictionary(p => p, _ => 0L), initial);
    }

    [Fact]
    public async Task InitialOffsets_Earliest_AreLowWatermarks()
    {
        var topic = TopicWithData();
        fixture.Kafka.DeleteRecords(topic, 2, 2);
        using var source = new KafkaStreamSource(Spec(topic, "earliest"), fixture.BootstrapServers);

        var initial = await source.InitialOffsetsAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, long> { [0] = 0, [1] = 0, [2] = 2, [3] = 0 }, initial);
    }

    [Fact]
    public async Task InitialOffsets_Latest_AreHighWatermarks()
    {
        var topic = TopicWithData();
        using var source = new KafkaStreamSource(Spec(topic, "latest"), fixture.BootstrapServers);

        var initial = await source.InitialOffsetsAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 0, [2] = 5, [3] = 1 }, initial);
    }

    [Fact]
    public async Task InitialOffsets_Json_GivesExplicitOffsetsAndResolvesMinusTwoAndMinusOne()
    {
        var topic = TopicWithData();
        fixture.Kafka.DeleteRecords(topic, 0, 1);
        var json = $$$"""{"{{{topic}}}":{"0":-2,"1":0,"2":-1,"3":1}}""";
        using var source = new KafkaStreamSource(Spec(topic, json), fixture.BootstrapServers);

        var initial = await source.InitialOffsetsAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, long> { [0] = 1, [1] = 0, [2] = 5, [3] = 1 }, initial);
    }

    [Fact]
    public async Task InitialOffsets_JsonMissingAPartition_FailsNamingIt()
    {
        var topic = TopicWithData();
        var json = $$$"""{"{{{topic}}}":{"0":1,"1":0,"3":-2}}""";
        using var source = new KafkaStreamSource(Spec(topic, json), fixture.BootstrapServers);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => source.InitialOffsetsAsync(CancellationToken.None));

        Assert.Contains("no offset for partition(s) 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("-2 for earliest, -1 for latest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitialOffsets_JsonForAnotherTopic_FailsNamingBothTopics()
    {
        var topic = TopicWithData();
        using var source = new KafkaStreamSource(Spec(topic, """{"other":{"0":1}}"""), fixture.BootstrapServers);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => source.InitialOffsetsAsync(CancellationToken.None));

        Assert.Contains("'other'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"reads topic '{topic}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("newest")]
    [InlineData("""{"t":{"x":1}}""")]
    [InlineData("""{"t":{"0":-3}}""")]
    [InlineData("{not json")]
    public void StartingOffsets_Invalid_FailsSayingWhatIsAccepted(string startingOffsets)
    {
        var e = Assert.Throws<ArgumentException>(() => KafkaStartingOffsets.Parse(startingOffsets, "t", [0]));

        Assert.Contains("startingOffsets", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partitions_MissingTopic_FailsNamingTopicBrokerAndFix()
    {
        using var source = new KafkaStreamSource(Spec("no-such-topic"), fixture.BootstrapServers);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => source.LatestOffsetsAsync(CancellationToken.None));

        Assert.Equal(
            $"Kafka topic 'no-such-topic' does not exist on {fixture.BootstrapServers}; create it (the embedded broker creates the topics listed in the silo's " +
            "Kafka:Topics setting) or fix the source's topic.",
            e.Message);
    }

    [Fact]
    public async Task Partitions_MissingTopic_IsNotCreatedByAsking()
    {
        using var source = new KafkaStreamSource(Spec("still-missing"), fixture.BootstrapServers);
        await Assert.ThrowsAsync<InvalidOperationException>(() => source.InitialOffsetsAsync(CancellationToken.None));

        await Assert.ThrowsAsync<InvalidOperationException>(() => source.LatestOffsetsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task LatestOffsets_UnreachableBroker_FailsWithinTheTimeoutNamingTheServers()
    {
        using var source = new KafkaStreamSource(Spec("events"), "127.0.0.1:1", TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => source.LatestOffsetsAsync(CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("Could not reach Kafka at 127.0.0.1:1 within 1 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_EnableAutoCommitTrue_IsRefusedExplainingCheckpoints()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new KafkaStreamSource(Spec("events", options: new() { ["kafka.enable.auto.commit"] = "true" }), fixture.BootstrapServers));

        Assert.Contains("enable.auto.commit", e.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AutoOffsetReset_IsRefusedPointingToStartingOffsets()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new KafkaStreamSource(Spec("events", options: new() { ["auto.offset.reset"] = "earliest" }), fixture.BootstrapServers));

        Assert.Contains("startingOffsets", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_EnableAutoCommitFalseAndGroupId_AreAccepted()
    {
        using var source = new KafkaStreamSource(
            Spec("events", options: new() { ["enable.auto.commit"] = "false", ["kafka.group.id"] = "lag-dashboard" }), fixture.BootstrapServers);

        Assert.Equal("events", source.OffsetKey);
    }
}
