using Sluice.Connectors.Kafka;

namespace Sluice.Tests.Sources;

/// <summary>One embedded broker per test class; each test makes its own topic, so tests do not see each other's data.</summary>
public sealed class EmbeddedKafkaFixture : IDisposable
{
    private int _topics;

    internal EmbeddedKafka Kafka { get; } = EmbeddedKafka.Start();

    public string BootstrapServers => Kafka.BootstrapServers;

    /// <summary>Creates a topic with a name no other test uses.</summary>
    public string NewTopic(int partitions, string prefix = "topic")
    {
        var topic = $"{prefix}-{Interlocked.Increment(ref _topics)}";
        Kafka.CreateTopic(topic, partitions);
        return topic;
    }

    public void Dispose() => Kafka.Dispose();
}
