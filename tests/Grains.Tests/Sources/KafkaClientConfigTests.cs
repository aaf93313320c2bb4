using Sluice.Connectors.Kafka;
using Sluice.Spec;

namespace Sluice.Tests.Sources;

/// <summary>librdkafka's other names for settings Sluice manages are refused like the names themselves.</summary>
public sealed class KafkaClientConfigTests
{
    private static SourceSpec Spec(string key, string value) =>
        new() { Kind = "kafka", Topic = "events", Options = new Dictionary<string, string> { [key] = value } };

    [Theory]
    [InlineData("auto.commit.enable")]
    [InlineData("kafka.auto.commit.enable")]
    public void AutoCommitEnable_True_IsRefusedAsEnableAutoCommitIs(string key)
    {
        var e = Assert.Throws<ArgumentException>(() => KafkaClientConfig.ForConsumer(Spec(key, "true"), "localhost:9092", []));

        Assert.StartsWith("The kafka source on topic 'events' sets auto.commit.enable=true, which Sluice refuses", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetadataBrokerList_IsRefused_TheSourcesBootstrapServersDecide()
    {
        var e = Assert.Throws<ArgumentException>(() => KafkaClientConfig.ForConsumer(Spec("metadata.broker.list", "evil:9092"), "localhost:9092", []));

        Assert.StartsWith("The kafka source on topic 'events' sets metadata.broker.list, librdkafka's other name for bootstrap.servers", e.Message, StringComparison.Ordinal);
    }
}
