using System.Globalization;
using System.Net;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Sources.Kafka;

namespace Sluice.ClusterTests;

/// <summary>
/// A real cluster on loopback: a redis-server, an embedded Kafka broker in this process (one broker every silo
/// shares, as a real Kafka would be), and three silo processes in cluster mode with one shared checkpoint folder.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly List<Microsoft.Extensions.Hosting.IHost> _clients = [];
    private RedisServer? _redis;
    private EmbeddedKafka? _kafka;

    /// <summary>The silos' <c>Silo:ClusterId</c>; clients must present it to their gateways.</summary>
    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sluice-cluster-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The checkpoint root every silo shares (all silos run on this machine).</summary>
    public string CheckpointRoot => Path.Combine(Folder, "checkpoints");

    public List<SiloProcess> Silos { get; } = [];

    public string BootstrapServers => _kafka!.BootstrapServers;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(CheckpointRoot);
        _redis = await RedisServer.StartAsync();
        _kafka = EmbeddedKafka.Start();
        string[] clusterArgs =
        [
            "--quiet",
            "--Silo:Mode=cluster",
            $"--Silo:ClusterId={ClusterId}",
            $"--Redis:ConnectionString={_redis.ConnectionString}",
            $"--Kafka:BootstrapServers={_kafka.BootstrapServers}",
            $"--Sluice:CheckpointRoot={CheckpointRoot}",
            // File sinks write beside the checkpoints, under <Folder>/out.
            $"--Sluice:DataRoot={Path.Combine(Folder, "out")}",
            "--Sluice:PollingDelay=00:00:00.050",
            // Declare a killed silo dead in seconds even on a loaded 2-core CI machine: what is tested is how queries
            // resume once Orleans has declared it, not how long Orleans' default failure detection takes.
            "--Silo:Membership:ProbeTimeout=00:00:02",
            "--Silo:Membership:NumMissedProbesLimit=2",
            "--Silo:Membership:ExtendProbeTimeoutDuringDegradation=false",
            "--Silo:Membership:TableRefreshTimeout=00:00:05",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Sluice=Information",
        ];
        for (var i = 1; i <= SiloCount; i++)
        {
            Silos.Add(SiloProcess.Start(i, Folder, clusterArgs));
        }
        await Task.WhenAll(Silos.Select(s => s.WaitReadyAsync(ReadyTimeout)));
    }

    /// <summary>A client whose only gateway is <paramref name="silo"/>; disposed with the fixture.</summary>
    public async Task<SluiceClient> ConnectAsync(SiloProcess silo)
    {
        var (host, client) = await ClusterClients.ConnectAsync(ClusterId, new IPEndPoint(IPAddress.Loopback, silo.GatewayPort));
        _clients.Add(host);
        return client;
    }

    public IEnumerable<SiloProcess> Running => Silos.Where(s => s.IsRunning);

    /// <summary>A new topic with a unique name, so tests do not see each other's records.</summary>
    public string CreateTopic(int partitions = 4)
    {
        var topic = "t" + Guid.NewGuid().ToString("N")[..10];
        _kafka!.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>Produces events <c>{"id": i, "user": "u{i % 3}", "ts": ...}</c> round-robin over partitions, one second apart.</summary>
    public void ProduceEvents(string topic, int from, int count, int partitions = 4)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = BootstrapServers, LingerMs = 1 }).Build();
        for (var i = from; i < from + count; i++)
        {
            var ts = DateTimeOffset.UnixEpoch.AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            producer.Produce(new TopicPartition(topic, i % partitions), new Message<Null, string> { Value = $"{{\"id\": {i}, \"user\": \"u{i % 3}\", \"ts\": \"{ts}\"}}" });
        }
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>The end of every silo's log, for failure messages.</summary>
    public string Logs() => string.Join("\n", Silos.Select(s => $"--- silo {s.Index} ({(s.IsRunning ? "running" : "stopped")}) ---\n{s.Tail(25)}"));

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await client.StopAsync(timeout.Token);
            }
            catch (Exception e) when (e is OrleansException or OperationCanceledException)
            {
                // Its gateway was a silo a test killed: there is nothing to stop gracefully.
            }
            client.Dispose();
        }
        foreach (var silo in Silos)
        {
            silo.Dispose();
        }
        _kafka?.Dispose();
        _redis?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the folder is under the temp folder anyway.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
