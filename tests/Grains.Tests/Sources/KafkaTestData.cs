using System.Text;
using Confluent.Kafka;

namespace Sluice.Tests.Sources;

/// <summary>Writes records to a test broker, one partition at a time, and waits until every one is stored.</summary>
internal static class KafkaTestData
{
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    public static void Produce(string bootstrapServers, string topic, int partition, params string?[] values) =>
        Produce(bootstrapServers, topic, partition, values.Select(v => new Message<byte[]?, byte[]?>
        {
            Value = v is null ? null : Encoding.UTF8.GetBytes(v),
        }));

    public static void Produce(string bootstrapServers, string topic, int partition, IEnumerable<Message<byte[]?, byte[]?>> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 0,
        }).Build();
        var failures = new List<Error>();
        foreach (var message in messages)
        {
            producer.Produce(new TopicPartition(topic, partition), message, report =>
            {
                if (report.Error.IsError)
                {
                    lock (failures)
                    {
                        failures.Add(report.Error);
                    }
                }
            });
        }
        var pending = producer.Flush(FlushTimeout);
        Assert.Equal(0, pending);
        Assert.Empty(failures);
    }

    /// <summary>
    /// Writes <paramref name="values"/> in one committed transaction: the broker appends a commit marker after them,
    /// which takes an offset no consumer ever receives (a gap).
    /// </summary>
    public static void ProduceTransaction(string bootstrapServers, string topic, int partition, params string[] values)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            TransactionalId = $"test-{topic}-{partition}-{Guid.NewGuid():N}",
        }).Build();
        producer.InitTransactions(FlushTimeout);
        producer.BeginTransaction();
        foreach (var value in values)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value) });
        }
        producer.CommitTransaction(FlushTimeout);
    }

    /// <summary>Values <c>{"id":first}</c> ... <c>{"id":first+count-1}</c>.</summary>
    public static string[] Ids(int first, int count) =>
        Enumerable.Range(first, count).Select(i => $$"""{"id":{{i}}}""").ToArray();
}
