using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// The fair limit from Kafka: the fastest plain Confluent.Kafka loop we know how to write, with what Sluice has. One
/// consumer per partition, each on its own thread, as Sluice runs one partition agent (and one partition reader with
/// its own consumer) per partition; each consumer with the settings Sluice's reader uses for that partition
/// (<see cref="SluiceReaderConfig"/>: same fetch sizes, fetch wait and prefetch queue); the value parsed by
/// <see cref="ClickJson.Parse"/> from librdkafka's buffer inside the deserializer (no byte[] copy, no strings) and
/// folded there; the per-partition results merged at the end. W4 forwards each purchase's bytes to the output topic
/// through one producer with the Kafka sink's linger.
/// </summary>
internal static class BareConsumer
{
    /// <summary>Reads the whole topic once; returns the merged result of <paramref name="workload"/> and the seconds it took.</summary>
    public static (Aggregates Result, double Seconds) Run(BenchCluster cluster, string topic, int partitions, string workload, string? outputTopic = null) =>
        workload switch
        {
            "W1" => Run<W1Fold>(cluster, topic, partitions, null),
            "W2" => Run<W2Fold>(cluster, topic, partitions, null),
            "W3" => Run<W3Fold>(cluster, topic, partitions, null),
            _ => Run<W4Fold>(cluster, topic, partitions, outputTopic),
        };

    private static (Aggregates, double) Run<TFold>(BenchCluster cluster, string topic, int partitions, string? outputTopic) where TFold : struct, IClickFold
    {
        var settings = cluster.KafkaReaderSettings;
        var configs = Enumerable.Range(0, partitions).Select(p => SluiceReaderConfig.For(cluster.BootstrapServers, settings, topic, p)).ToArray();
        var parts = new Aggregates[partitions];
        var errors = new Exception?[partitions];
        var watch = Stopwatch.StartNew();
        using var producer = outputTopic is null ? null : new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            // The Kafka sink's linger; no transactions (the limit need not be exactly once).
            BootstrapServers = cluster.BootstrapServers, LingerMs = 5, BatchSize = 1 << 20, QueueBufferingMaxMessages = 1_000_000,
        }).Build();
        var threads = Enumerable.Range(0, partitions).Select(p => new Thread(() =>
        {
            try
            {
                parts[p] = Consume<TFold>(configs[p], topic, p, producer, outputTopic);
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                errors[p] = e;
            }
        }) { Name = $"limit-{p}", IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new InvalidOperationException($"the limit's consumer failed: {error.Message}", error);
        }
        producer?.Flush(TimeSpan.FromMinutes(1));
        var merged = Aggregates.Merge(parts);
        TFold.Finish(merged);
        return (merged, watch.Elapsed.TotalSeconds);
    }

    private static Aggregates Consume<TFold>(ConsumerConfig config, string topic, int partition, IProducer<Null, byte[]>? producer, string? outputTopic)
        where TFold : struct, IClickFold
    {
        var result = new Aggregates();
        using var consumer = new ConsumerBuilder<Ignore, byte[]?>(config).SetValueDeserializer(new Folding<TFold>(result, producer is not null)).Build();
        var end = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value;
        if (end <= 0)
        {
            return result;
        }
        consumer.Assign(new TopicPartitionOffset(topic, partition, Offset.Beginning));
        while (true)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"no record from {topic} [{partition}] in 10 s");
            if (record.Message?.Value is { } forward)
            {
                producer!.Produce(outputTopic!, new Message<Null, byte[]> { Value = forward });
            }
            if (record.Offset.Value + 1 >= end)
            {
                return result;
            }
        }
    }

    /// <summary>Parses and folds each value where librdkafka hands it over; returns a copy only of what goes to the output topic.</summary>
    private sealed class Folding<TFold>(Aggregates into, bool forward) : IDeserializer<byte[]?> where TFold : struct, IClickFold
    {
        public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            if (isNull)
            {
                return null;
            }
            var e = ClickJson.Parse(data);
            into.Events++;
            TFold.Add(into, e);
            return forward && TFold.Forward(e) ? data.ToArray() : null;
        }
    }
}
