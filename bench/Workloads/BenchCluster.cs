using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sluice.Cli.Scenarios;
using Sluice.Client;
using Sluice.Hosting;
using Sluice.Silo.Hosting;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>A real silo in this process with its embedded Kafka (no manual clock), plus topic and produce helpers.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchCluster(IHost host, string root)
    {
        _host = host;
        CheckpointRoot = root;
        Client = new SluiceClient(host.Services.GetRequiredService<IClusterClient>());
        BootstrapServers = host.Services.GetRequiredService<KafkaEndpoint>().BootstrapServers;
    }

    public SluiceClient Client { get; }

    public string BootstrapServers { get; }

    public string CheckpointRoot { get; }

    /// <summary>The silo's librdkafka settings for partition readers (<see cref="SluiceOptions.KafkaReaderSettings"/>).</summary>
    public IReadOnlyDictionary<string, string> KafkaReaderSettings =>
        _host.Services.GetRequiredService<IOptions<SluiceOptions>>().Value.KafkaReaderSettings;

    public static async Task<BenchCluster> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "sluice-bench", Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--quiet",
            $"--Silo:SiloPort={ScenarioSilo.FreePort()}",
            $"--Silo:GatewayPort={ScenarioSilo.FreePort()}",
            $"--Http:Port={ScenarioSilo.FreePort()}",
            $"--Sluice:CheckpointRoot={root}",
            "--Sluice:RecentProgressCount=100000",
            "--Logging:LogLevel:Default=Error",
            "--Logging:LogLevel:Sluice=Error",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Error",
        ];
        var host = SluiceHost.CreateBuilder(args).Build();
        await host.StartAsync();
        return new BenchCluster(host, root);
    }

    /// <summary>Creates a topic on the embedded broker.</summary>
    public void CreateTopic(string topic, int partitions) =>
        _host.Services.GetRequiredService<Sluice.Connectors.Kafka.EmbeddedKafka>().CreateTopic(topic, partitions);

    /// <summary>Writes events [0, count) as JSON, event i to partition i % partitions, and waits for every ack.</summary>
    public void Preload(string topic, int partitions, long count)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            LingerMs = 5,
            BatchSize = 1 << 20,
            QueueBufferingMaxMessages = 1_000_000,
            CompressionType = CompressionType.None,
        }).Build();
        for (var i = 0L; i < count; i++)
        {
            var e = ClickEventSequence.At(i);
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, (int)(i % partitions)), new Message<Null, byte[]> { Value = ClickJson.Encode(e) });
                    break;
                }
                catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        if (producer.Flush(TimeSpan.FromMinutes(2)) > 0)
        {
            throw new InvalidOperationException("the preload did not finish within 2 minutes");
        }
    }

    /// <summary>
    /// The records in a topic, counted by reading it to the end: high watermarks would also count the transaction
    /// markers the Kafka sink's transactions leave, one per batch. read_uncommitted, because the embedded broker has
    /// no transaction semantics (a read_committed read once stopped short of the last transaction).
    /// </summary>
    public long CountRecords(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "bench-count-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadUncommitted,
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var count = 0L;
        var open = partitions;
        while (open > 0)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"no record from {topic} in 10 s");
            if (record.IsPartitionEOF)
            {
                open--;
            }
            else
            {
                count++;
            }
        }
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(CheckpointRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
