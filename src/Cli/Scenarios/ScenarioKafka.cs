using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sluice.Connectors.Kafka;

namespace Sluice.Cli.Scenarios;

/// <summary>
/// A scenario's own Kafka: an embedded broker started for one scenario, so topic names are the scenario's and no
/// scenario sees another's records. Its steps:
/// <c>{"createTopic": "t", "partitions": 5}</c> and <c>{"sendKafka": [record, ...], "topic": "t", "partition": 0}</c>, where
/// a record is a string (the value) or <c>{"key": .., "value": .., "headers": [{"key": .., "value": ..}], "partition": n,
/// "timestamp": "1970-01-01T00:00:10Z"}</c> (a null key or value is a null); records without a partition go round-robin
/// over the topic's partitions, starting at 0.
/// </summary>
internal sealed class ScenarioKafka : IDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();
    private readonly Dictionary<string, int> _partitions = [];
    private readonly Dictionary<string, int> _nextPartition = [];
    private readonly IProducer<byte[]?, byte[]?> _producer;

    public ScenarioKafka()
    {
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 0 }).Build();
    }

    public string BootstrapServers => _kafka.BootstrapServers;

    /// <summary>True for the steps this class runs.</summary>
    public static bool Handles(string kind) => kind is "createTopic" or "sendKafka";

    public void Run(string kind, JsonElement step)
    {
        if (kind == "createTopic")
        {
            var topic = step.GetProperty("createTopic").GetString()!;
            var partitions = step.TryGetProperty("partitions", out var p) ? p.GetInt32() : 1;
            _kafka.CreateTopic(topic, partitions);
            _partitions[topic] = partitions;
            return;
        }
        Send(step);
    }

    private void Send(JsonElement step)
    {
        var topic = step.GetProperty("topic").GetString()!;
        if (!_partitions.TryGetValue(topic, out var count))
        {
            throw new InvalidOperationException($"sendKafka to topic '{topic}', which no createTopic step made; add {{\"createTopic\": \"{topic}\", \"partitions\": N}} before it");
        }
        int? stepPartition = step.TryGetProperty("partition", out var sp) ? sp.GetInt32() : null;
        foreach (var record in step.GetProperty("sendKafka").EnumerateArray())
        {
            var message = new Message<byte[]?, byte[]?> { Headers = [] };
            int? partition = stepPartition;
            if (record.ValueKind == JsonValueKind.Object)
            {
                message.Key = Bytes(record, "key");
                message.Value = Bytes(record, "value");
                if (record.TryGetProperty("partition", out var rp))
                {
                    partition = rp.GetInt32();
                }
                if (record.TryGetProperty("timestamp", out var ts))
                {
                    message.Timestamp = new Timestamp(ts.GetDateTimeOffset().UtcDateTime);
                }
                if (record.TryGetProperty("headers", out var headers))
                {
                    foreach (var header in headers.EnumerateArray())
                    {
                        message.Headers.Add(header.GetProperty("key").GetString()!, Bytes(header, "value"));
                    }
                }
            }
            else
            {
                message.Value = record.ValueKind == JsonValueKind.Null ? null : Encoding.UTF8.GetBytes(Text(record));
            }
            _producer.Produce(new TopicPartition(topic, partition ?? NextPartition(topic, count)), message);
        }
        _producer.Flush(FlushTimeout);
    }

    private int NextPartition(string topic, int count)
    {
        var next = _nextPartition.GetValueOrDefault(topic);
        _nextPartition[topic] = (next + 1) % count;
        return next;
    }

    private static byte[]? Bytes(JsonElement record, string field) =>
        record.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? Encoding.UTF8.GetBytes(Text(v)) : null;

    // A number is sent as its text, as Spark's tests send `data.map(_.toString)`.
    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    public void Dispose()
    {
        _producer.Dispose();
        _kafka.Dispose();
    }
}
