using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// The limit: the fastest plain Confluent.Kafka loop we know how to write for each workload. One consumer thread per
/// core, partitions assigned by hand (no group protocol), the value parsed straight from librdkafka's buffer by a
/// span deserializer (no byte[] copy, no strings), results in dictionaries merged at the end.
/// </summary>
internal static class BareConsumer
{
    /// <summary>Reads the whole topic once, applying <paramref name="add"/> to each event; returns the merged result and seconds.</summary>
    public static (Aggregates Result, double Seconds) Run(string bootstrap, string topic, int partitions, Action<Aggregates, ClickEvent> add,
        string? outputTopic = null)
    {
        var threads = Math.Max(1, Environment.ProcessorCount);
        var parts = new Aggregates[threads];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = Enumerable.Range(0, partitions).Where(p => p % threads == t).ToList();
            parts[t] = Consume(bootstrap, topic, mine, add, outputTopic);
        });
        var merged = Aggregates.Merge(parts);
        return (merged, watch.Elapsed.TotalSeconds);
    }

    private static Aggregates Consume(string bootstrap, string topic, List<int> partitions, Action<Aggregates, ClickEvent> add, string? outputTopic)
    {
        var result = new Aggregates();
        if (partitions.Count == 0)
        {
            return result;
        }
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-limit-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            FetchMaxBytes = 64 << 20,
            MaxPartitionFetchBytes = 8 << 20,
            QueuedMinMessages = 100_000,
            FetchWaitMaxMs = 10,
        };
        using var consumer = new ConsumerBuilder<Ignore, ClickEvent>(config).SetValueDeserializer(new EventDeserializer()).Build();
        using var producer = outputTopic is null ? null : new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap, LingerMs = 5, BatchSize = 1 << 20, QueueBufferingMaxMessages = 1_000_000,
        }).Build();
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var open = ends.Count(e => e.Value > 0);
        while (open > 0)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"no record from {topic} in 10 s");
            if (record.IsPartitionEOF)
            {
                continue;
            }
            var e = record.Message.Value;
            result.Observe(e);
            add(result, e);
            if (producer is not null && e.IsPurchase)
            {
                producer.Produce(outputTopic!, new Message<Null, byte[]> { Value = ClickJson.Encode(e) });
            }
            if (record.Offset.Value + 1 == ends[record.Partition.Value])
            {
                open--;
            }
        }
        producer?.Flush(TimeSpan.FromMinutes(1));
        return result;
    }

    private sealed class EventDeserializer : IDeserializer<ClickEvent>
    {
        public ClickEvent Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => ClickJson.Parse(data);
    }
}
