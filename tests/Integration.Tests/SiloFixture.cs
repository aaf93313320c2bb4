using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Cli.Scenarios;
using Sluice.Client;
using Sluice.Silo.Hosting;
using Sluice.Connectors.Kafka;

namespace Sluice.IntegrationTests;

/// <summary>One real silo for the integration tests, in this process, with the embedded Kafka (4-partition topics).</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private IHost? _host;

    public SluiceClient Client { get; private set; } = null!;

    public string BootstrapServers { get; private set; } = "";

    public string CheckpointRoot { get; } = Path.Combine(Path.GetTempPath(), "sluice-it", Guid.NewGuid().ToString("N"));

    public int GatewayPort { get; } = ScenarioSilo.FreePort();

    public int HttpPort { get; } = ScenarioSilo.FreePort();

    /// <summary>The silo's API key (<c>Http:ApiKeys:0</c>), new for each run.</summary>
    public string ApiKey { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>A client of the silo's HTTP endpoint; with <paramref name="withKey"/>, it sends the API key as a bearer token.</summary>
    public HttpClient Http(bool withKey = true)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        if (withKey)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        }
        return http;
    }

    /// <summary>Azurite (scripts/azurite.sh starts it; the test script exports SLUICE_AZURITE).</summary>
    public static string AzuriteConnectionString =>
        Environment.GetEnvironmentVariable("SLUICE_AZURITE") is { Length: > 0 } s ? s
            : "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    /// <summary>s3rver (scripts/s3rver.sh starts it; the test script exports SLUICE_S3RVER).</summary>
    public static string S3ServiceUrl => Environment.GetEnvironmentVariable("SLUICE_S3RVER") is { Length: > 0 } s ? s : "http://127.0.0.1:4569";

    /// <summary>The S3 bucket the silo lets queries use.</summary>
    public const string S3Bucket = "sluice-it";

    /// <summary>The blob container the silo lets queries keep checkpoints in.</summary>
    public const string BlobContainer = "sluice-it";

    private EmbeddedKafka Kafka => _host!.Services.GetRequiredService<EmbeddedKafka>();

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--quiet",
            $"--Silo:SiloPort={ScenarioSilo.FreePort()}",
            $"--Silo:GatewayPort={GatewayPort}",
            $"--Http:Port={HttpPort}",
            $"--Http:ApiKeys:0={ApiKey}",
            $"--Sluice:CheckpointRoot={CheckpointRoot}",
            "--Sluice:PollingDelay=00:00:00.020",
            $"--Sluice:Blob:ConnectionString={AzuriteConnectionString}",
            $"--Sluice:Blob:AllowedContainers:0={BlobContainer}",
            $"--Sluice:S3:ServiceUrl={S3ServiceUrl}",
            "--Sluice:S3:AccessKey=S3RVER",
            "--Sluice:S3:SecretKey=S3RVER",
            "--Sluice:S3:ForcePathStyle=true",
            $"--Sluice:S3:AllowedBuckets:0={S3Bucket}",
            "--Sluice:Socket:AllowedHosts:0=127.0.0.1",
            // The tests of this collection share the silo, and not all of them stop their queries.
            "--Sluice:Limits:MaxActiveQueries=1000",
            "--Logging:LogLevel:Default=Warning",
        ];
        _host = SluiceHost.CreateBuilder(args).Build();
        await _host.StartAsync();
        Client = new SluiceClient(_host.Services.GetRequiredService<IClusterClient>());
        BootstrapServers = _host.Services.GetRequiredService<KafkaEndpoint>().BootstrapServers;
    }

    /// <summary>A new topic with a unique name, so tests do not see each other's records.</summary>
    public string CreateTopic(int partitions = 4)
    {
        var topic = "t" + Guid.NewGuid().ToString("N")[..10];
        Kafka.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>Produces values to explicit partitions and waits until all are acknowledged.</summary>
    public async Task ProduceAsync(string topic, IEnumerable<(int Partition, string Value)> records)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = BootstrapServers, LingerMs = 1 }).Build();
        foreach (var (partition, value) in records)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<Null, string> { Value = value });
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        await Task.CompletedTask;
    }

    /// <summary>Produces <paramref name="count"/> JSON events <c>{"id": i, "kind": ...}</c> round-robin over partitions.</summary>
    public Task ProduceEventsAsync(string topic, int from, int count, int partitions = 4) =>
        ProduceAsync(topic, Enumerable.Range(from, count).Select(i => (i % partitions, Event(i))));

    public static string Event(int id) => $"{{\"id\": {id}, \"kind\": \"{(id % 3 == 0 ? "purchase" : "view")}\", \"amount\": {id}.5}}";

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (Directory.Exists(CheckpointRoot))
        {
            Directory.Delete(CheckpointRoot, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
