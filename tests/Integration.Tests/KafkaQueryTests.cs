using Sluice.Client;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class KafkaQueryTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private StreamFrame Events(string topic, string startingOffsets = "earliest", long? maxOffsets = null)
    {
        var reader = Client.ReadStream().Kafka(topic).Schema(("id", "int"), ("kind", "string"), ("amount", "double")).StartingOffsets(startingOffsets);
        return (maxOffsets is { } max ? reader.MaxOffsetsPerTrigger(max) : reader).Load();
    }

    private static string Name() => "q" + Guid.NewGuid().ToString("N")[..10];

    private async Task<List<int>> SinkIdsAsync(string query) =>
        (await Client.ReadMemorySinkJsonAsync(query)).Select(r => r["id"]!.GetValue<int>()).Order().ToList();

    [Fact]
    public async Task KafkaJson_FilterAndSelect_ReachesTheMemorySink()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceEventsAsync(topic, 0, 30);
        var name = Name();

        var query = await Events(topic).Where("kind = 'purchase'").Select("id", "amount * 2 AS doubled")
            .WriteStream().Format("memory").Trigger(Trigger.Manual()).StartAsync(name);
        await query.ProcessAllAvailableAsync();

        var rows = await Client.ReadMemorySinkJsonAsync(name);
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 3 == 0), rows.Select(r => r["id"]!.GetValue<int>()).Order());
        Assert.All(rows, r => Assert.Equal((r["id"]!.GetValue<int>() + 0.5) * 2, r["doubled"]!.GetValue<double>()));
        var progress = await query.LastProgressAsync();
        Assert.Equal(30, progress!.NumInputRows);
        Assert.Equal(10, progress.Sink.NumOutputRows);
        Assert.Equal($"KafkaV2[Subscribe[{topic}]]", progress.Sources[0].Description);
        Assert.Equal(Enumerable.Range(0, 4).Select(p => (p.ToString(), 30L / 4 + (p < 30 % 4 ? 1 : 0))), progress.Sources[0].EndOffset![topic].Select(p => (p.Key, p.Value)));
        await query.StopAsync();
    }

    [Fact]
    public async Task DefaultTrigger_ProcessesRecordsProducedWhileRunning()
    {
        var topic = silo.CreateTopic();
        var name = Name();
        var query = await Events(topic).WriteStream().Format("memory").StartAsync(name);

        await silo.ProduceEventsAsync(topic, 0, 8);
        await query.ProcessAllAvailableAsync();
        await silo.ProduceEventsAsync(topic, 8, 8);
        await query.ProcessAllAvailableAsync();

        Assert.Equal(Enumerable.Range(0, 16), await SinkIdsAsync(name));
        Assert.True(await query.IsActiveAsync());
        await query.StopAsync();
        Assert.False(await query.IsActiveAsync());
    }

    [Fact]
    public async Task ProcessingTimeTrigger_RunsBatchesAndStampsThemWithTheirStart()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceEventsAsync(topic, 0, 12);
        var name = Name();

        var query = await Events(topic).WriteStream().Format("memory").Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(name);
        await query.ProcessAllAvailableAsync();

        Assert.Equal(Enumerable.Range(0, 12), await SinkIdsAsync(name));
        var progress = await query.LastProgressAsync();
        Assert.NotNull(progress);
        Assert.True(progress.DurationMs.ContainsKey("triggerExecution"));
        await query.StopAsync();
    }

    [Fact]
    public async Task AvailableNow_WithMaxOffsets_ProcessesTheBacklogInBoundedBatchesThenStops()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceEventsAsync(topic, 0, 100);
        var name = Name();

        var query = await Events(topic, maxOffsets: 30).WriteStream().Format("memory").Trigger(Trigger.AvailableNow()).StartAsync(name);
        await query.AwaitTerminationAsync();

        Assert.Equal(Enumerable.Range(0, 100), await SinkIdsAsync(name));
        var batches = await query.RecentProgressAsync();
        Assert.Equal(4, batches.Count);
        Assert.All(batches, b => Assert.True(b.NumInputRows <= 30, $"batch {b.BatchId} read {b.NumInputRows} rows"));
        // The first batch takes 7 of each partition's 25 records: 18 remain behind on each.
        Assert.Equal("18", batches[0].Sources[0].Metrics["offsetsBehindLatest.0"]);
        Assert.Equal("18", batches[0].Sources[0].Metrics["maxOffsetsBehindLatest"]);
        var status = await query.StatusAsync();
        Assert.Equal((100L, 100L), (status.BacklogTotal, status.BacklogDone));
        Assert.Equal(100, batches.Sum(b => b.NumInputRows));
        Assert.Equal(QueryState.Completed, (await query.StatusAsync()).State);
    }

    [Fact]
    public async Task Once_ProcessesEverythingInOneBatchIgnoringMaxOffsets()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceEventsAsync(topic, 0, 50);
        var name = Name();

        var query = await Events(topic, maxOffsets: 10).WriteStream().Format("memory").Trigger(Trigger.Once()).StartAsync(name);
        await query.AwaitTerminationAsync();

        var batches = await query.RecentProgressAsync();
        Assert.Single(batches);
        Assert.Equal(50, batches[0].NumInputRows);
        Assert.Equal(Enumerable.Range(0, 50), await SinkIdsAsync(name));
    }

    [Fact]
    public async Task StartingOffsetsLatest_SkipsRecordsProducedBeforeTheStart()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceEventsAsync(topic, 0, 20);
        var name = Name();

        var query = await Events(topic, "latest").WriteStream().Format("memory").Trigger(Trigger.Manual()).StartAsync(name);
        await silo.ProduceEventsAsync(topic, 100, 8);
        await query.ProcessAllAvailableAsync();

        Assert.Equal(Enumerable.Range(100, 8), await SinkIdsAsync(name));
        await query.StopAsync();
    }

    [Fact]
    public async Task StartingOffsetsJson_StartsEachPartitionWhereItSays()
    {
        var topic = silo.CreateTopic(2);
        await silo.ProduceAsync(topic, Enumerable.Range(0, 10).Select(i => (i % 2, SiloFixture.Event(i))));
        var name = Name();

        // Partition 0 holds ids 0,2,4,6,8 and starts at offset 3 (ids 6, 8); partition 1 starts at earliest (-2).
        var query = await Events(topic, $"{{\"{topic}\": {{\"0\": 3, \"1\": -2}}}}").WriteStream().Format("memory").Trigger(Trigger.Once()).StartAsync(name);
        await query.AwaitTerminationAsync();

        Assert.Equal([1, 3, 5, 6, 7, 8, 9], await SinkIdsAsync(name));
    }

    [Fact]
    public async Task RawFormat_GivesSparkKafkaColumns()
    {
        var topic = silo.CreateTopic(1);
        await silo.ProduceAsync(topic, [(0, "hello")]);
        var name = Name();

        var query = await Client.ReadStream().Kafka(topic).Option("format", "raw").StartingOffsets("earliest").Load()
            .Select("CAST(value AS string) AS text", "topic", "partition", "offset")
            .WriteStream().Format("memory").Trigger(Trigger.Once()).StartAsync(name);
        await query.AwaitTerminationAsync();

        var row = Assert.Single(await Client.ReadMemorySinkJsonAsync(name));
        Assert.Equal("hello", row["text"]!.GetValue<string>());
        Assert.Equal(topic, row["topic"]!.GetValue<string>());
        Assert.Equal(0, row["partition"]!.GetValue<int>());
        Assert.Equal(0L, row["offset"]!.GetValue<long>());
    }
}
