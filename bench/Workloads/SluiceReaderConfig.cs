using System.Reflection;
using Confluent.Kafka;
using Sluice.Hosting;
using Sluice.Spec;

namespace Sluice.Bench.Workloads;

/// <summary>
/// The consumer settings Sluice's partition reader (<c>KafkaPartitionReader</c>) uses for one partition, taken from the
/// engine itself rather than copied: its defaults (fetch sizes, fetch wait, prefetch queue), the silo's
/// <see cref="SluiceOptions.KafkaReaderSettings"/> over them (the embedded broker's 5 ms fetch wait), and the shared
/// <c>KafkaClientConfig.ForConsumer</c> that applies what Sluice's protocol requires. Both are internal to the engine,
/// hence reflection; a renamed member fails the run here rather than letting the limit drift from the reader.
/// </summary>
internal static class SluiceReaderConfig
{
    private static readonly Assembly Engine = typeof(SluiceOptions).Assembly;

    public static ConsumerConfig For(string bootstrapServers, IReadOnlyDictionary<string, string> silo, string topic, int partition)
    {
        var readerDefaults = (KeyValuePair<string, string>[])Call("Sluice.Connectors.Kafka.KafkaPartitionReader", "ReaderDefaults", topic, partition);
        // As the reader's constructor merges them: the silo's settings win over the reader's defaults.
        var defaults = readerDefaults.Where(d => !silo.ContainsKey(d.Key)).Concat(silo).ToList();
        var spec = new SourceSpec { Kind = "kafka", Topic = topic, Format = "json" };
        var config = (ConsumerConfig)Call("Sluice.Connectors.Kafka.KafkaClientConfig", "ForConsumer", spec, bootstrapServers, defaults);
        // The three settings the reader's constructor adds: end-of-partition events, no silent offset reset, and no
        // topic, timestamp or headers copied into each result (the json format reads the value only).
        config.EnablePartitionEof = true;
        config.AutoOffsetReset = AutoOffsetReset.Error;
        config.ConsumeResultFields = "none";
        return config;
    }

    /// <summary>The fetch and prefetch settings of a config, for the record.</summary>
    public static Dictionary<string, string> Tuning(ConsumerConfig config) =>
        config.Where(kv => kv.Key.StartsWith("fetch.", StringComparison.Ordinal) || kv.Key.StartsWith("queued.", StringComparison.Ordinal)
                || kv.Key == "max.partition.fetch.bytes")
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary();

    private static object Call(string typeName, string method, params object[] args)
    {
        var type = Engine.GetType(typeName, throwOnError: true)!;
        var m = type.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException(typeName, method);
        return m.Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null)
            ?? throw new InvalidOperationException($"{typeName}.{method} returned null");
    }
}
