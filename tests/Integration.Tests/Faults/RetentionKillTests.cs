using Confluent.Kafka;
using Sluice.Client;
using Sluice.Connectors.Kafka;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// A query that keeps only its last 3 batches (<c>minBatchesToRetain</c>) is killed long after its first batches were
/// purged: the restart recovers from what is left (offsets, commits, state, and the json sink's compacted manifest),
/// and the checkpoint stays small.
/// </summary>
[Collection(FaultInjectionCollection.Name)]
public sealed class RetentionKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Ids = 150;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-retention", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task KillAfterOldBatchesWerePurged_ThenRestart_OutputHasEveryIdOnce_AndTheCheckpointKeepsThreeBatches()
    {
        var input = "in-" + Guid.NewGuid().ToString("N")[..8];
        var outputPath = Path.Combine(_root, "out");
        _kafka.CreateTopic(input, 1);
        // Every id twice, the second copies after the kill: dropDuplicates drops them only if its state survived.
        Produce(input, Enumerable.Range(0, Ids).Concat(Enumerable.Range(0, Ids)));
        DataStreamWriter Query(SluiceClient client) =>
            client.ReadStream().Kafka(input, _kafka.BootstrapServers).Schema(("id", "int")).StartingOffsets("earliest").MaxOffsetsPerTrigger(1).Load()
                .DropDuplicates("id")
                .WriteStream().OutputMode("append").Trigger(Trigger.AvailableNow()).Option("keyGroups", "2").Option("minBatchesToRetain", "3")
                .CheckpointLocation("checkpoint").Format("json").Option("path", outputPath);

        await using (var doomed = await SiloProcess.StartAsync(_kafka.BootstrapServers, _root, "afterSinkCommitted@200"))
        {
            await using (var client = await SluiceClient.ConnectAsync($"127.0.0.1:{doomed.GatewayPort}"))
            {
                var start = Query(client).StartAsync("retention");
                var exited = doomed.WaitForExitAsync(TimeSpan.FromMinutes(5));
                await Task.WhenAny(start, exited);
                Assert.True(await exited, $"the fault did not fire: {doomed.Log}");
                _ = start.ContinueWith(t => t.Exception, TaskScheduler.Default);
            }
            output.WriteLine(doomed.Log);
        }
        var checkpoint = Path.Combine(_root, "checkpoint");
        Assert.InRange(Directory.GetFiles(Path.Combine(checkpoint, "offsets")).Length, 3, 5);
        await using (var silo = await SiloProcess.StartAsync(_kafka.BootstrapServers, _root, fault: null))
        await using (var client = await SluiceClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}"))
        {
            var query = await Query(client).StartAsync("retention");
            await query.AwaitTerminationAsync();
            Assert.Equal(Contracts.QueryState.Completed, (await query.StatusAsync()).State);
        }

        Assert.Equal(Enumerable.Range(0, Ids), (await FileSinkReader.ReadRowsAsync(outputPath)).Select(r => r["id"]!.GetValue<int>()).Order());
        Assert.Equal(["297", "298", "299"], Names(Path.Combine(checkpoint, "offsets")));
        Assert.Equal(["297", "298", "299"], Names(Path.Combine(checkpoint, "commits")));
        foreach (var group in Directory.GetDirectories(Path.Combine(checkpoint, "state", "0")))
        {
            // Versions 296..299 restorable: the snapshot at or before 296 and what follows, at most two snapshot intervals.
            Assert.InRange(Names(group).Count, 4, 25);
        }
        // The sink's manifest: the latest compact file and the entries since (compacted every 10 batches).
        Assert.InRange(Names(Path.Combine(outputPath, Data.FileSinkManifest.DirectoryName)).Count, 1, 11);
    }

    private static List<string> Names(string folder) =>
        [.. Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal)];

    private void Produce(string topic, IEnumerable<int> ids)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        foreach (var id in ids)
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"{{\"id\": {id}}}" });
        }
        producer.Flush(TimeSpan.FromSeconds(30));
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
