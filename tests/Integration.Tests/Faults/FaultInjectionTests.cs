using System.Text.Json;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Connectors.Kafka;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// Kills a silo process at each point of the batch protocol while a stateful query (dropDuplicates on id: every id
/// arrives twice) writes to the json file sink or the Kafka sink, restarts it, and checks the output holds every id
/// exactly once: nothing lost, nothing repeated.
/// </summary>
[Collection(FaultInjectionCollection.Name)]
public sealed class FaultInjectionTests(ITestOutputHelper output) : IDisposable
{
    private const int Ids = 60;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-faults", Guid.NewGuid().ToString("N"));

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var point in Diagnostics.FaultInjection.Points)
        {
            cases.Add(point, "json");
            cases.Add(point, "kafka");
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task KillAtProtocolPoint_ThenRestart_OutputHasEveryRecordExactlyOnce(string point, string sink)
    {
        var run = Prepare(sink, "out-" + point);

        await KillAtAsync(run, $"{point}@1", $"dedup_{sink}");
        await RestartToTheEndAsync(run, $"dedup_{sink}");

        Assert.Equal(Enumerable.Range(0, Ids), (await OutputIdsAsync(run)).Order());
    }

    /// <summary>
    /// A chain of two stateful operators (two dropDuplicates, each on its own key groups): a kill anywhere in the batch
    /// re-runs both stages from their state of the batch before, and the batch still commits once.
    /// </summary>
    [Theory]
    [InlineData("afterStateStaged")]
    [InlineData("afterSinkStaged")]
    [InlineData("afterSinkCommitted")]
    public async Task ChainedQuery_KillAtProtocolPoint_ThenRestart_OutputHasEveryRecordExactlyOnce(string point)
    {
        var run = Prepare("json", "out-chain-" + point);

        await KillAtAsync(run, $"{point}@1", "chain_json", Shape.Chain);
        await RestartToTheEndAsync(run, "chain_json", Shape.Chain);

        Assert.Equal(Enumerable.Range(0, Ids), (await OutputIdsAsync(run)).Order());
    }

    /// <summary>
    /// A graph of stages: the query's own dropDuplicates and a union input's (the same topic read again, its own
    /// stateful operator on its own key groups), both sending to the sink. A kill anywhere in the batch re-runs both
    /// from the batch before: every id comes out once per input.
    /// </summary>
    [Theory]
    [InlineData("afterSomeAgentsRead")]
    [InlineData("afterStateStaged")]
    [InlineData("afterSinkCommitted")]
    public async Task UnionOfTwoStatefulInputs_KillAtProtocolPoint_ThenRestart_OutputHasEveryRecordOncePerInput(string point)
    {
        var run = Prepare("json", "out-graph-" + point);

        await KillAtAsync(run, $"{point}@1", "graph_json", Shape.Graph);
        await RestartToTheEndAsync(run, "graph_json", Shape.Graph);

        Assert.Equal(Enumerable.Range(0, Ids).SelectMany(id => new[] { id, id }), (await OutputIdsAsync(run)).Order());
    }

    [Fact]
    public async Task KafkaSink_TenThousandForeignRecordsAfterTheBatch_ThenKillAndRestart_OutputHasEveryRecordExactlyOnce()
    {
        var run = Prepare("kafka", "unused");

        // Batch 1 is in the topic, commits/1 is not: the restart replays batch 1 on a fresh sink activation, and other
        // producers' records now follow the batch in every partition.
        await KillAtAsync(run, "afterSinkCommitted@1", "foreign_kafka");
        Produce(run.OutputTopic, Enumerable.Range(0, 10_000).Select(i => -1 - i), partitions: 2);
        await RestartToTheEndAsync(run, "foreign_kafka");

        var ids = await OutputIdsAsync(run);
        Assert.Equal(10_000, ids.Count(id => id < 0));
        Assert.Equal(Enumerable.Range(0, Ids), ids.Where(id => id >= 0).Order());
    }

    /// <summary>Starts the query on a silo process armed with <paramref name="fault"/> and waits for the fault to kill it.</summary>
    private async Task KillAtAsync(Run run, string fault, string queryName, Shape shape = Shape.Single)
    {
        await using var doomed = await SiloProcess.StartAsync(_kafka.BootstrapServers, _root, fault);
        await using (var client = await SluiceClient.ConnectAsync($"127.0.0.1:{doomed.GatewayPort}"))
        {
            // Under load the silo can reach the fault (and die) before its reply to the start arrives: wait for
            // whichever comes first; a start lost with the dying silo is expected.
            var start = Query(client, run, shape).StartAsync(queryName);
            var exited = doomed.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await Task.WhenAny(start, exited);
            Assert.True(await exited, $"the fault did not fire: {doomed.Log}");
            _ = start.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
        output.WriteLine(doomed.Log);
    }

    private async Task RestartToTheEndAsync(Run run, string queryName, Shape shape = Shape.Single)
    {
        await using var silo = await SiloProcess.StartAsync(_kafka.BootstrapServers, _root, fault: null);
        await using var client = await SluiceClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}");
        var query = await Query(client, run, shape).StartAsync(queryName);
        await query.AwaitTerminationAsync();
    }

    [Theory]
    [InlineData("afterStateStaged", "json")]
    [InlineData("afterSinkStaged", "kafka")]
    public async Task BatchLostWithAGrain_TheRunRestartsFromTheCheckpoint_AndOutputHasEveryRecordExactlyOnce(string point, string sink)
    {
        var run = Prepare(sink, "out-lost-" + point);

        await using (var silo = await SiloProcess.StartAsync(_kafka.BootstrapServers, _root, $"{point}@1:lose"))
        {
            await using (var client = await SluiceClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}"))
            {
                var query = await Query(client, run).StartAsync($"lost_{sink}");
                // The handle's run ends with the loss; the query goes on under a new run of the same query id.
                await query.AwaitTerminationAsync();
                var restarted = await client.GetQueryAsync($"lost_{sink}");
                Assert.NotNull(restarted);
                Assert.Equal(query.Id, restarted.Id);
                Assert.NotEqual(query.RunId, restarted.RunId);
                await restarted.AwaitTerminationAsync();
                Assert.Equal(Contracts.QueryState.Completed, (await restarted.StatusAsync()).State);
            }
            output.WriteLine(silo.Log);
            Assert.Contains($"losing batch 1 at {point}", silo.Log, StringComparison.Ordinal);
            Assert.Contains("restarting from the checkpoint (attempt 1 of 10)", silo.Log, StringComparison.Ordinal);
        }

        Assert.Equal(Enumerable.Range(0, Ids), (await OutputIdsAsync(run)).Order());
    }

    /// <summary>One run's topics and output folder: the input holds every id twice, over 4 partitions.</summary>
    private sealed record Run(string Sink, string Input, string OutputTopic, string OutputPath);

    private Run Prepare(string sink, string outputFolder)
    {
        var run = new Run(sink, "in-" + Guid.NewGuid().ToString("N")[..8], "out-" + Guid.NewGuid().ToString("N")[..8], Path.Combine(_root, outputFolder));
        _kafka.CreateTopic(run.Input, 4);
        _kafka.CreateTopic(run.OutputTopic, 2);
        Produce(run.Input, Enumerable.Range(0, Ids * 2).Select(i => i % Ids));
        return run;
    }

    /// <summary>The query's stateful shape: one operator, a chain of two, or two inputs each with its own.</summary>
    public enum Shape
    {
        Single,
        Chain,
        Graph,
    }

    private DataStreamWriter Query(SluiceClient client, Run run, Shape shape = Shape.Single)
    {
        StreamFrame Deduplicated() => client.ReadStream().Kafka(run.Input, _kafka.BootstrapServers).Schema(("id", "int")).StartingOffsets("earliest").MaxOffsetsPerTrigger(40).Load()
            .DropDuplicates("id");
        var input = Deduplicated();
        var frame = shape switch
        {
            Shape.Chain => input.Select("id", "id % 7 AS g").DropDuplicates("g", "id").Select("id"),
            Shape.Graph => input.Union(Deduplicated()),
            _ => input,
        };
        var writer = frame
            .WriteStream().OutputMode("append").Trigger(Trigger.AvailableNow()).CheckpointLocation($"checkpoint-{run.Sink}");
        return run.Sink == "json"
            ? writer.Format("json").Option("path", run.OutputPath)
            : writer.Format("kafka").Option("topic", run.OutputTopic).Option("key", "id");
    }

    private async Task<List<int>> OutputIdsAsync(Run run) =>
        run.Sink == "json"
            ? (await FileSinkReader.ReadRowsAsync(run.OutputPath)).Select(r => r["id"]!.GetValue<int>()).ToList()
            : ReadIds(run.OutputTopic, 2);

    private void Produce(string topic, IEnumerable<int> ids, int partitions = 4)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        var i = 0;
        foreach (var id in ids)
        {
            producer.Produce(new TopicPartition(topic, i++ % partitions), new Message<Null, string> { Value = $"{{\"id\": {id}}}" });
        }
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private List<int> ReadIds(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "check-" + topic, EnablePartitionEof = true }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var ids = new List<int>();
        var eofs = 0;
        while (eofs < partitions && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                eofs++;
            }
            else
            {
                ids.Add(JsonDocument.Parse(result.Message.Value).RootElement.GetProperty("id").GetInt32());
            }
        }
        return ids;
    }

    public void Dispose()
    {
        _kafka.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>Silo processes being killed and restarted want the machine to themselves: no other test class runs meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjectionCollection
{
    public const string Name = "fault injection";
}
