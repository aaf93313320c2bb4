using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Connectors.Kafka;

namespace Sluice.ClusterTests;

/// <summary>
/// A real cluster on loopback: a cluster store (<see cref="RedisClusterFixture"/>, <see cref="AzureClusterFixture"/>),
/// an embedded Kafka broker in this process (one broker every silo shares, as a real Kafka would be), and three silo
/// processes in cluster mode with one shared checkpoint folder, with Sluice's shipped failure-detection defaults.
/// Silo links and the gateways run TLS with client certificates required, as a production cluster would: a test CA
/// (made at run time) issues the silos' shared certificate and the clients' certificate.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 3;

    // Three silos joining at once on a loaded 2-core machine took 80 s (load average 49) while this was written.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The password of the fixture's PFX files, handed to silos and the CLI as a secret would be.</summary>
    public const string CertificatePassword = "test-only";

    private readonly List<SluiceClient> _clients = [];
    private EmbeddedKafka? _kafka;
    private string[] _clusterArgs = [];
    private IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();

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
        var (storeArgs, environment) = await StartStoreAsync();
        _environment = environment;
        _kafka = EmbeddedKafka.Start();
        _clusterArgs =
        [
            "--quiet",
            "--Silo:Mode=cluster",
            $"--Silo:ClusterId={ClusterId}",
            .. storeArgs,
            $"--Kafka:BootstrapServers={_kafka.BootstrapServers}",
            $"--Sluice:CheckpointRoot={CheckpointRoot}",
            // File sinks write beside the checkpoints, under <Folder>/out.
            $"--Sluice:DataRoot={Path.Combine(Folder, "out")}",
            "--Sluice:PollingDelay=00:00:00.050",
            // No Silo:Membership settings: the failover tests measure Sluice's shipped failure-detection defaults.
            $"--Silo:Tls:CertificatePath={SiloCertificatePath}",
            $"--Silo:Tls:CertificatePassword={CertificatePassword}",
            $"--Silo:Tls:ClientCaPath={CaPath}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Sluice=Information",
        ];
        // One at a time: a silo that is still starting (JIT, loading) on a loaded 2-core machine can miss probes long
        // enough for the shipped failure detection to declare it dead (seen at load average 50 with three at once).
        for (var i = 1; i <= SiloCount; i++)
        {
            var silo = SiloProcess.Start(i, Folder, _clusterArgs, _environment);
            Silos.Add(silo);
            await silo.WaitReadyAsync(ReadyTimeout);
        }
    }

    /// <summary>Which store the silos keep membership, grain state and reminders in, for test output.</summary>
    public abstract string Provider { get; }

    /// <summary>Starts the store; returns the silos' arguments and environment variables (secrets) for it.</summary>
    protected abstract Task<(string[] Args, IReadOnlyDictionary<string, string> Environment)> StartStoreAsync();

    /// <summary>Stops the store or deletes what the cluster wrote to it.</summary>
    protected abstract Task StopStoreAsync();

    /// <summary>Starts one more silo of this cluster from <paramref name="build"/> (a rolling upgrade's new silo).</summary>
    public async Task<SiloProcess> StartSiloAsync(string build)
    {
        var silo = SiloProcess.Start(Silos.Count + 1, Folder, _clusterArgs, _environment, build);
        Silos.Add(silo);
        await silo.WaitReadyAsync(ReadyTimeout);
        return silo;
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
        await StopStoreAsync();
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

/// <summary>The cluster on Redis (Debian's redis-server, started on a free port).</summary>
public sealed class RedisClusterFixture : ClusterFixture
{
    private RedisServer? _redis;

    public override string Provider => "redis";

    protected override async Task<(string[] Args, IReadOnlyDictionary<string, string> Environment)> StartStoreAsync()
    {
        _redis = await RedisServer.StartAsync();
        return (["--Silo:Provider=redis", $"--Redis:ConnectionString={_redis.ConnectionString}"], new Dictionary<string, string>());
    }

    protected override Task StopStoreAsync()
    {
        _redis?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "cluster";
}

[CollectionDefinition(Name)]
public sealed class AzureClusterCollection : ICollectionFixture<AzureClusterFixture>
{
    public const string Name = "cluster-azure";
}
