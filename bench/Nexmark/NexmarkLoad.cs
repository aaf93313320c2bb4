using System.Buffers;
using System.Text.Json;
using Confluent.Kafka;
using Sluice.Data;
using Sluice.Connectors.Nexmark;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// <c>nexmark-load --bootstrap-servers HOST:PORT --topic T [--events N] [--partitions P] [--events-per-second R] [--seed S]</c>:
/// writes the nexmark source's events to Kafka as JSON, one record per event in the <c>event</c> stream's flat layout
/// (<c>event_type</c>, <c>dateTime</c>, then the kind's fields; absent fields left out), event <c>n</c> to partition
/// <c>n % P</c>, so a query can read the same events from Kafka with the schema in docs and a filter on <c>event_type</c>.
/// </summary>
internal static class NexmarkLoad
{
    public static int Run(string[] args)
    {
        string Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault()
            ?? throw new ArgumentException($"nexmark-load needs {name}");
        var config = new NexmarkConfig
        {
            Events = Options.Long(args, "--events", 1_000_000),
            Partitions = (int)Options.Long(args, "--partitions", 8),
            EventsPerSecond = Options.Long(args, "--events-per-second", 10_000),
            Seed = Options.Long(args, "--seed", 0),
        };
        var topic = Arg("--topic");
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = Arg("--bootstrap-servers"),
            LingerMs = 5,
            BatchSize = 1 << 20,
            QueueBufferingMaxMessages = 1_000_000,
        }).Build();
        var buffer = new ArrayBufferWriter<byte>(1024);
        for (var n = 0L; n < config.Events; n++)
        {
            var value = Encode(NexmarkGenerator.At(config, n), buffer);
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, (int)(n % config.Partitions)), new Message<Null, byte[]> { Value = value });
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        var left = producer.Flush(TimeSpan.FromMinutes(5));
        Console.WriteLine(left == 0 ? $"wrote {config.Events:N0} events to {topic}" : $"{left} events not acknowledged within 5 minutes");
        return left == 0 ? 0 : 1;
    }

    /// <summary>One event as a JSON object of the <c>event</c> stream's columns (timestamps ISO-8601, nulls left out).</summary>
    public static byte[] Encode(NexmarkEvent e, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            var row = NexmarkRows.Event(e);
            for (var i = 0; i < row.Length; i++)
            {
                var name = NexmarkSchemas.Event[i].Name;
                switch (row[i])
                {
                    case null:
                        break;
                    case string s:
                        json.WriteString(name, s);
                        break;
                    case DateTime t:
                        json.WriteString(name, t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    case int v:
                        json.WriteNumber(name, v);
                        break;
                    case long v:
                        json.WriteNumber(name, v);
                        break;
                    default:
                        throw new InvalidDataException($"no JSON form for {row[i]!.GetType().Name} in column {name}");
                }
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The Kafka source schema that reads these records back.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Schema =>
        NexmarkSchemas.Event.Columns.Select(c => KeyValuePair.Create(c.Name, c.Type == DataType.Timestamp ? "timestamp" : c.Type == DataType.Int ? "int"
            : c.Type == DataType.Long ? "long" : "string"));
}
