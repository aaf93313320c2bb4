using Confluent.Kafka;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Builds the consumer configuration shared by the planning and the reading side: Sluice's settings, then the
/// user's <see cref="SourceSpec.Options"/> (with or without Spark's <c>kafka.</c> prefix), then the settings
/// Sluice's exactly-once protocol depends on, which options may not change.
/// </summary>
internal static class KafkaClientConfig
{
    private const string SparkPrefix = "kafka.";

    /// <summary>The source's topic, or a clear error when the spec has none.</summary>
    public static string TopicOf(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return string.IsNullOrWhiteSpace(spec.Topic)
            ? throw new ArgumentException("A kafka source needs a topic: set \"topic\" on the source.", nameof(spec))
            : spec.Topic;
    }

    /// <param name="defaults">Settings for this use (e.g. fetch tuning) that the user's options may override.</param>
    public static ConsumerConfig ForConsumer(SourceSpec spec, string bootstrapServers, IEnumerable<KeyValuePair<string, string>> defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        var topic = TopicOf(spec);
        var config = new ConsumerConfig
        {
            // Sluice never subscribes; the id only names the group that receives committed offsets for lag tools.
            GroupId = $"sluice-{topic}",
            // Spark's Kafka source reads uncommitted by default; kafka.isolation.level=read_committed overrides.
            IsolationLevel = IsolationLevel.ReadUncommitted,
            AllowAutoCreateTopics = false,
        };
        foreach (var (key, value) in defaults)
        {
            config.Set(key, value);
        }
        foreach (var (rawKey, value) in spec.Options)
        {
            if (KafkaSparkOptions.IsSparkOption(rawKey))
            {
                // Spark's own source options: checked when the spec is (KafkaSparkOptions), never consumer settings.
                continue;
            }
            var key = rawKey.StartsWith(SparkPrefix, StringComparison.OrdinalIgnoreCase) ? rawKey[SparkPrefix.Length..] : rawKey;
            Validate(key, value, topic, bootstrapServers);
            if (!key.Equals("bootstrap.servers", StringComparison.OrdinalIgnoreCase))
            {
                config.Set(key, value);
            }
        }
        config.BootstrapServers = bootstrapServers;
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        return config;
    }

    private static void Validate(string key, string value, string topic, string bootstrapServers)
    {
        switch (key.ToLowerInvariant())
        {
            // auto.commit.enable is librdkafka's older name for the same setting.
            case "enable.auto.commit" or "auto.commit.enable" when !value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase):
                throw new ArgumentException(
                    $"The kafka source on topic '{topic}' sets {key}={value}, which Sluice refuses: Sluice tracks offsets in its checkpoint " +
                    "(offsets/N, commits/N) and commits them to the consumer group only after a batch has committed, so auto-commit would report " +
                    "offsets that were never processed. Remove the option.");
            case "auto.offset.reset":
                throw new ArgumentException(
                    $"The kafka source on topic '{topic}' sets auto.offset.reset, which is not supported: use the source's startingOffsets " +
                    "(earliest, latest or per-partition JSON) instead.");
            case "enable.auto.offset.store" or "enable.partition.eof" or "dotnet.consumer.consume.result.fields" or "group.protocol":
                throw new ArgumentException($"The kafka source on topic '{topic}' sets {key}, which Sluice manages itself; remove the option.");
            case "metadata.broker.list":
                throw new ArgumentException(
                    $"The kafka source on topic '{topic}' sets {key}, librdkafka's other name for bootstrap.servers; set the source's bootstrapServers instead.");
            case "bootstrap.servers" when !value.Trim().Equals(bootstrapServers, StringComparison.Ordinal):
                throw new ArgumentException(
                    $"The kafka source on topic '{topic}' has bootstrap.servers '{value}' in its options but reads from '{bootstrapServers}'; " +
                    "set the source's bootstrapServers instead.");
        }
    }

    /// <summary>A partition reader's librdkafka settings, under the silo's and the spec's.</summary>
    public static KeyValuePair<string, string>[] ReaderDefaults(string topic, int partition) =>
    [
        new("client.id", $"sluice-reader-{topic}-{partition}"),
        // Planned ranges are already on the broker: fetch big, and do not pause long when the local queue fills.
        new("max.partition.fetch.bytes", "4194304"),
        new("fetch.max.bytes", "52428800"),
        // A real broker answers a waiting fetch as soon as data arrives, so this only bounds idle polling.
        new("fetch.wait.max.ms", "100"),
        new("queued.min.messages", "100000"),
        // Per-partition prefetch buffer; a silo runs one reader per partition it owns, so keep it well under the 64 MiB default.
        new("queued.max.messages.kbytes", "16384"),
        new("fetch.queue.backoff.ms", "10"),
    ];
}
