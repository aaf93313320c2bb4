using System.Text;
using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Finds the last batch a query's Kafka sink wrote, for a writer that starts (a fresh activation, maybe on another
/// silo), whatever else was written to the topic since:
/// <list type="number">
/// <item>The sink group <c>sluice-sink-&lt;queryId&gt;</c>: each batch's transaction commits offset N+1 of the topic's
/// partition 0 to it (<c>SendOffsetsToTransaction</c>), atomically with the batch's records, as Kafka Streams' EOS v2
/// commits its input offsets. On a real broker it answers N+1 once batch N committed, and nothing before.</item>
/// <item>When the group holds no offset (a broker that stores nothing for TxnOffsetCommit, such as librdkafka's mock
/// cluster; group offsets expired after <c>offsets.retention.minutes</c>; a topic written before the group existed):
/// the records' headers. Each partition is read (read_committed) backwards from its end in growing windows until a
/// record of this query is found or the partition's start is reached; batches are written in order, so the newest
/// window holding one of this query's records holds the partition's last batch.</item>
/// </list>
/// </summary>
internal static class KafkaSinkTail
{
    public const string QueryHeader = "sluice.query";
    public const string BatchHeader = "sluice.batch";

    private const long FirstWindow = 500;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A consumer of the sink group: never subscribes nor commits; its metadata joins each batch's transaction.</summary>
    public static IConsumer<Ignore, Ignore> GroupConsumer(string bootstrapServers, string queryId) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"sluice-sink-{queryId}",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
        }).Build();

    /// <summary>The offset that batch <paramref name="batchId"/>'s transaction commits to the sink group.</summary>
    public static TopicPartitionOffset Marker(string topic, long batchId) => new(topic, 0, batchId + 1);

    /// <summary>The highest batch of query <paramref name="queryId"/> committed to <paramref name="topic"/>, or -1.</summary>
    public static long LastWrittenBatch(IConsumer<Ignore, Ignore> group, Handle client, string topic, string queryId)
    {
        Offset committed;
        try
        {
            committed = group.Committed([new TopicPartition(topic, 0)], Timeout).Single().Offset;
        }
        catch (TopicPartitionOffsetException e) when (e.Results.Any(r => r.Error.Code == Confluent.Kafka.ErrorCode.UnknownTopicOrPart))
        {
            // Spark's sink fails the batch the same way ("job aborted") on a broker that does not create topics.
            throw new InvalidOperationException(
                $"The kafka sink's topic '{topic}' does not exist on the broker, which does not create topics on write: create the topic " +
                "(with the partitions you want), or let the broker create it (auto.create.topics.enable=true), then run the query again.", e);
        }
        if (committed.Value > 0)
        {
            return committed.Value - 1;
        }
        using var admin = new DependentAdminClientBuilder(client).Build();
        var partitions = admin.GetMetadata(topic, Timeout).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        return partitions.Select(p => LastBatchIn(group, new TopicPartition(topic, p), queryId)).DefaultIfEmpty(-1).Max();
    }

    private static long LastBatchIn(IConsumer<Ignore, Ignore> consumer, TopicPartition partition, string queryId)
    {
        var offsets = consumer.QueryWatermarkOffsets(partition, Timeout);
        var end = offsets.High.Value;
        for (var window = FirstWindow; end > offsets.Low.Value; window *= 2)
        {
            var start = Math.Max(offsets.Low.Value, end - window);
            var last = LastBatchBetween(consumer, partition, start, end, queryId);
            if (last >= 0)
            {
                return last;
            }
            end = start;
        }
        return -1;
    }

    /// <summary>The highest batch of this query among the committed records at offsets [start, end), or -1.</summary>
    private static long LastBatchBetween(IConsumer<Ignore, Ignore> consumer, TopicPartition partition, long start, long end, string queryId)
    {
        consumer.Assign(new TopicPartitionOffset(partition, start));
        long last = -1;
        while (true)
        {
            var result = consumer.Consume(Timeout) ?? throw new KafkaException(new Error(Confluent.Kafka.ErrorCode.RequestTimedOut,
                $"reading {partition} from offset {start} for the Kafka sink's last batch took over {Timeout.TotalSeconds} s"));
            if (result.IsPartitionEOF || result.Offset.Value >= end)
            {
                return last;
            }
            if (Header(result.Message.Headers, QueryHeader) == queryId && long.TryParse(Header(result.Message.Headers, BatchHeader), out var batch))
            {
                last = Math.Max(last, batch);
            }
        }
    }

    private static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
