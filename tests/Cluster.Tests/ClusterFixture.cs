using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Connectors.Kafka;

namespace Sluice.ClusterTests;

/// <summary>
/// A real cluster on loopback: a redis-server, an embedded Kafka broker in this process (one broker every silo
/// shares, as a real Kafka would be), and three silo processes in cluster mode with one shared checkpoint folder.
/// Silo links and the gateways run TLS with client certificates required, as a production cluster would: a test CA
/// (made at run time) issues the silos' shared certificate and the clients' certificate.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The password of the fixture's PFX files, handed to silos and the CLI as a secret would be.</summary>
    public const string CertificatePassword = "test-only";

    private readonly List<SluiceClient> _clients = [];
    private RedisServer? _redis;
    private EmbeddedKafka? _kafka;

    /// <summary>The silos' <c>Silo:ClusterId</c>; clients must present it to their gateways.</summary>
    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sluice-cluster-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The checkpoint root every silo shares (all silos run on this machine).</summary>
    public string CheckpointRoot => Path.Combine(Folder, "checkpoints");

    public List<SiloProcess> Silos { get; } = [];

    /// <summary>The CA that issued the silos' and the client's certificates; PEM at <see cref="CaPath"/>.</summary>
    public X509Certificate2 Authority { get; } = TestCertificates.CreateAuthority("sluice test CA");

    public string CaPath => Path.Combine(Folder, "tls", "ca.pem");

    /// <summary>The silos' certificate (PFX, <see cref="CertificatePassword"/>).</summary>
    public string SiloCertificatePath => Path.Combine(Folder, "tls", "silo.pfx");

    /// <summary>A client certificate the silos trust (PFX, <see cref="CertificatePassword"/>).</summary>
    public string ClientCertificatePath => Path.Combine(Folder, "tls", "client.pfx");

    /// <summary>TLS options of a client the cluster accepts.</summary>
    public SluiceTlsOptions ClientTls() => SluiceTlsOptions.FromFiles(ClientCertificatePath, CertificatePassword, null, CaPath, []);

    public string BootstrapServers => _kafka!.BootstrapServers;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(CheckpointRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(CaPath)!);
        TestCertificates.WritePem(Authority, CaPath);
        using (var silo = TestCertificates.Create("sluice silo", Authority, server: true, client: true))
        using (var client = TestCertificates.Create("sluice client", Authority, server: false, client: true))
        {
            TestCertificates.WritePfx(silo, SiloCertificatePath, CertificatePassword);
            TestCertificates.WritePfx(client, ClientCertificatePath, CertificatePassword);
        }
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
            $"--Silo:Tls:CertificatePath={SiloCertificatePath}",
            $"--Silo:Tls:CertificatePassword={CertificatePassword}",
            $"--Silo:Tls:ClientCaPath={CaPath}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Sluice=Information",
        ];
        for (var i = 1; i <= SiloCount; i++)
        {
            Silos.Add(SiloProcess.Start(i, Folder, clusterArgs));
        }
        await Task.WhenAll(Silos.Select(s => s.WaitReadyAsync(ReadyTimeout)));
    }

    /// <summary>A client (with the trusted client certificate) whose only gateway is <paramref name="silo"/>; disposed with the fixture.</summary>
    public async Task<SluiceClient> ConnectAsync(SiloProcess silo)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        var client = await SluiceClient.ConnectAsync(Gateway(silo), ClusterId, ClientTls(), timeout.Token);
        _clients.Add(client);
        return client;
    }

    /// <summary>The gateway address a client passes to reach <paramref name="silo"/>.</summary>
    public static string Gateway(SiloProcess silo) => $"127.0.0.1:{silo.GatewayPort.ToString(CultureInfo.InvariantCulture)}";

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
            try
            {
                await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is OrleansException or OperationCanceledException or TimeoutException)
            {
                // Its gateway was a silo a test killed: there is nothing to stop gracefully.
            }
        }
        foreach (var silo in Silos)
        {
            silo.Dispose();
        }
        _kafka?.Dispose();
        _redis?.Dispose();
        Authority.Dispose();
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
