using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Sluice.Connectors.Kafka;

namespace Sluice.Cli.Scenarios;

/// <summary>
/// A scenario's own Kafka: an embedded broker started for one scenario, so topic names are the scenario's and no
/// scenario sees another's records. Its steps:
/// <c>{"createTopic": "t", "partitions": 5}</c> and <c>{"sendKafka": [record, ...], "topic": "t", "partition": 0}</c>, where
/// a record is a string (the value) or <c>{"key": .., "value": .., "headers": [{"key": .., "value": ..}], "partition": n,
/// "timestamp": "1970-01-01T00:00:10Z"}</c> (a null key or value is a null); records without a partition go round-robin
/// over the topic's partitions, starting at 0. <c>{"checkKafka": [record, ...], "topic": "t"}</c> (after the query has
/// processed what is there) checks the topic's records, in any order: each expected record is an object with
/// <c>value</c> and, where the check cares, <c>key</c>, <c>partition</c> and <c>headers</c> (the sink's own
/// <c>sluice.*</c> headers are left out).
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
    public static bool Handles(string kind) => kind is "createTopic" or "sendKafka" or "checkKafka";

    /// <summary>Null when the topic holds the expected records (<c>checkKafka</c>), else what differs.</summary>
    public string? Check(JsonElement step)
    {
        var topic = step.GetProperty("topic").GetString()!;
        if (!_partitions.TryGetValue(topic, out var count))
        {
            return $"checkKafka of topic '{topic}', which no createTopic step made";
        }
        var expected = step.GetProperty("checkKafka").EnumerateArray().ToList();
        return RowMatcher.Compare(expected, Read(topic, count).Select(AsRow).ToList()) is { } problem ? $"topic '{topic}': {problem}" : null;
    }

    /// <summary>A record as a row for <see cref="RowMatcher"/>: its key, value and partition, and the headers that are not the sink's own.</summary>
    private static JsonObject AsRow(ConsumeResult<byte[]?, byte[]?> found)
    {
        static string? Utf8(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
        var headers = new JsonArray();
        foreach (var header in (found.Message.Headers ?? []).Where(h => !h.Key.StartsWith("sluice.", StringComparison.Ordinal)))
        {
            headers.Add(new JsonObject { ["key"] = header.Key, ["value"] = Utf8(header.GetValueBytes()) });
        }
        return new JsonObject
        {
            ["key"] = Utf8(found.Message.Key),
            ["value"] = Utf8(found.Message.Value),
            ["partition"] = found.Partition.Value,
            ["headers"] = headers,
        };
    }

    private List<ConsumeResult<byte[]?, byte[]?>> Read(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "scenario-check",
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var ends = 0;
        while (ends < partitions && consumer.Consume(FlushTimeout) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                ends++;
            }
            else
            {
                records.Add(result);
            }
        }
        return records;
    }

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
