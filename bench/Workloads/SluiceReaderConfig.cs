using Confluent.Kafka;
using Sluice.Connectors.Kafka;
using Sluice.Hosting;
using Sluice.Spec;

namespace Sluice.Bench.Workloads;

/// <summary>
/// The consumer settings Sluice's partition reader uses for one partition, taken from the engine itself rather than
/// copied (<see cref="KafkaPartitionReader.ConsumerConfigFor"/>): its defaults (fetch sizes, fetch wait, prefetch
/// queue), the silo's <see cref="SluiceOptions.KafkaReaderSettings"/> over them (the embedded broker's 5 ms fetch
/// wait), and what Sluice's protocol requires.
/// </summary>
internal static class SluiceReaderConfig
{
    public static ConsumerConfig For(string bootstrapServers, IReadOnlyDictionary<string, string> silo, string topic, int partition) =>
        KafkaPartitionReader.ConsumerConfigFor(new SourceSpec { Kind = "kafka", Topic = topic, Format = "json" }, bootstrapServers, silo, topic, partition);

    /// <summary>The fetch and prefetch settings of a config, for the record.</summary>
    public static Dictionary<string, string> Tuning(ConsumerConfig config) =>
        config.Where(kv => kv.Key.StartsWith("fetch.", StringComparison.Ordinal) || kv.Key.StartsWith("queued.", StringComparison.Ordinal)
                || kv.Key == "max.partition.fetch.bytes")
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary();
}
