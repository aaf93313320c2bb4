using Confluent.Kafka;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Commits a query's processed offsets to its Kafka consumer group (<c>sluice-&lt;query&gt;</c>, or the source's
/// <c>group.id</c> option) after each batch's <c>commits/N</c>, so standard lag tools (kafka-consumer-groups, Burrow,
/// kcat) show the query's lag. Sluice never reads these offsets back: the checkpoint is the truth.
/// </summary>
internal sealed class KafkaOffsetCommitter : IOffsetCommitter
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly string _topic;

    public KafkaOffsetCommitter(SourceSpec spec, string bootstrapServers, string queryName)
    {
        _topic = KafkaClientConfig.TopicOf(spec);
        GroupId = spec.Options.TryGetValue("group.id", out var group) || spec.Options.TryGetValue("kafka.group.id", out group) ? group : $"sluice-{queryName}";
        var config = KafkaClientConfig.ForConsumer(spec, bootstrapServers, [new("group.id", GroupId)]);
        _consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
    }

    public string GroupId { get; }

    public Task CommitAsync(IReadOnlyDictionary<int, long> endOffsets, CancellationToken cancellationToken) =>
        Task.Run(() => _consumer.Commit(endOffsets.Select(p => new TopicPartitionOffset(_topic, p.Key, p.Value))), cancellationToken);

    public void Dispose() => _consumer.Dispose();
}
