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

    /// <summary>
    /// Spark's own source options that mean what Sluice does anyway are accepted and never reach librdkafka (which has
    /// no such settings and would refuse the consumer); a consumer setting beside them still does.
    /// </summary>
    [Fact]
    public void SparksAcceptedSourceOptions_AreNotConsumerSettings()
    {
        var spec = new SourceSpec
        {
            Kind = "kafka",
            Topic = "events",
            Options = new Dictionary<string, string> { ["failOnDataLoss"] = "true", ["INCLUDEHEADERS"] = "true", ["kafka.fetch.min.bytes"] = "7" },
        };

        var config = KafkaClientConfig.ForConsumer(spec, "localhost:9092", []);

        Assert.DoesNotContain(config, setting => setting.Key.Contains("failOnDataLoss", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(config, setting => setting.Key.Contains("includeHeaders", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("7", config.Get("fetch.min.bytes"));
    }
}
