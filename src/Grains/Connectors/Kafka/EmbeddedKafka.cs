using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// A Kafka-protocol broker inside this process: librdkafka's mock cluster, listening on localhost ports.
/// Used by tests and by the silo's embedded mode. Real clients connect to <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// Known limits (see DESIGN.md): no CreateTopics admin API (use <see cref="CreateTopic"/>), no timestamp lookups,
/// no transaction semantics, about 5 MiB kept per partition. Never call <c>ListConsumerGroupsAsync</c> against it:
/// that crashes the process. Several instances may run side by side; each owns its own brokers.
/// </remarks>
internal sealed class EmbeddedKafka : IDisposable
{
    private const int TopicAlreadyExists = 36;
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly MockClusterHandle _owner;
    private readonly nint _cluster;
    private readonly Lazy<IAdminClient> _admin;

    private EmbeddedKafka(MockClusterHandle owner, int brokers)
    {
        _owner = owner;
        Brokers = brokers;
        _cluster = RdKafkaNative.MockCluster(owner.DangerousGetHandle());
        BootstrapServers = RdKafkaNative.MockBootstraps(_cluster);
        _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(new AdminClientConfig
        {
            BootstrapServers = BootstrapServers,
            AllowAutoCreateTopics = false,
        }).Build());
    }

    /// <summary>The broker addresses, e.g. <c>127.0.0.1:39261</c>.</summary>
    public string BootstrapServers { get; }

    public int Brokers { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers on free localhost ports.</summary>
    public static EmbeddedKafka Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var owner = MockClusterHandle.Create(brokers);
        try
        {
            return new EmbeddedKafka(owner, brokers);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions. Creating a topic that already
    /// exists with that many partitions does nothing; with another count it fails, as the mock cannot add partitions.
    /// </summary>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var error = WithCluster(cluster => RdKafkaNative.MockTopicCreate(cluster, topic, partitions, Math.Min(Brokers, 3)));
        if (error == TopicAlreadyExists)
        {
            var existing = PartitionCount(topic);
            if (existing != partitions)
            {
                throw new InvalidOperationException(
                    $"Topic '{topic}' already exists on the embedded Kafka with {existing} partitions, not {partitions}; the embedded broker cannot change a topic's partition count.");
            }
        }
        else if (error != 0)
        {
            throw new InvalidOperationException($"The embedded Kafka could not create topic '{topic}': {RdKafkaNative.ErrorText(error)}.");
        }
    }

    /// <summary>Deletes the records of one partition before <paramref name="beforeOffset"/>, as retention would.</summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        var error = WithCluster(cluster => RdKafkaNative.MockDeleteRecords(cluster, topic, partition, beforeOffset));
        if (error != 0)
        {
            throw new InvalidOperationException(
                $"The embedded Kafka could not delete records of '{topic}' partition {partition} before offset {beforeOffset}: {RdKafkaNative.ErrorText(error)}.");
        }
    }

    /// <summary>
    /// Fault hook for tests: the next <paramref name="count"/> requests of Kafka API <paramref name="apiKey"/> (2 is
    /// ListOffsets), from any client of this cluster, fail with <paramref name="error"/>.
    /// </summary>
    public void FailRequests(short apiKey, int count, Confluent.Kafka.ErrorCode error) =>
        WithCluster(cluster =>
        {
            RdKafkaNative.MockPushRequestErrors(cluster, apiKey, Enumerable.Repeat((int)error, count).ToArray());
            return 0;
        });

    /// <summary>Fault hook for tests: the brokers advertise only versions <paramref name="min"/>..<paramref name="max"/> of an API, as an older broker would.</summary>
    public void LimitApiVersions(short apiKey, short min, short max)
    {
        var error = WithCluster(cluster => RdKafkaNative.MockSetApiVersion(cluster, apiKey, min, max));
        if (error != 0)
        {
            throw new InvalidOperationException($"The embedded Kafka could not limit API {apiKey} to versions {min}..{max}: {RdKafkaNative.ErrorText(error)}.");
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
        _owner.Dispose();
    }

    private int PartitionCount(string topic)
    {
        ObjectDisposedException.ThrowIf(_owner.IsClosed, this);
        var metadata = _admin.Value.GetMetadata(topic, MetadataTimeout);
        return metadata.Topics.Count == 1 ? metadata.Topics[0].Partitions.Count : 0;
    }

    /// <summary>Holds a reference on the owning handle so a concurrent <see cref="Dispose"/> cannot free the cluster mid-call.</summary>
    private int WithCluster(Func<nint, int> call)
    {
        var added = false;
        try
        {
            _owner.DangerousAddRef(ref added);
            return call(_cluster);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(EmbeddedKafka));
        }
        finally
        {
            if (added)
            {
                _owner.DangerousRelease();
            }
        }
    }
}
