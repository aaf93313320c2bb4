using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class RestartTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private DataStreamWriter Query(string topic, string checkpoint, long maxOffsets) =>
        Client.ReadStream().Kafka(topic).Schema(("id", "int"), ("kind", "string")).StartingOffsets("earliest").MaxOffsetsPerTrigger(maxOffsets).Load()
            .WriteStream().Format("memory").Trigger(Trigger.AvailableNow()).CheckpointLocation(checkpoint);

    private async Task<List<int>> SinkIdsAsync(string query) =>
        (await Client.ReadMemorySinkJsonAsync(query)).Select(r => r["id"]!.GetValue<int>()).Order().ToList();

    [Fact]
    public async Task Restart_MidStream_ResumesFromTheCheckpointWithEveryRecordOnce()
    {
        var topic = silo.CreateTopic();
        var name = "restart-" + topic;
        await silo.ProduceEventsAsync(topic, 0, 40);
        var first = await Query(topic, name, 20).StartAsync(name);
        await first.AwaitTerminationAsync();

        await silo.ProduceEventsAsync(topic, 40, 40);
        var second = await Query(topic, name, 20).StartAsync(name);
        await second.AwaitTerminationAsync();

        Assert.Equal(first.Id, second.Id);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal(Enumerable.Range(0, 80), await SinkIdsAsync(name));
        var batches = await second.RecentProgressAsync();
        Assert.Equal([2L, 3L], batches.Select(b => b.BatchId));
        Assert.Equal(40, batches.Sum(b => b.NumInputRows));
    }

    [Fact]
    public async Task Restart_AfterCrashBeforeCommit_ReplaysTheSameOffsetsAndAddsNothingTwice()
    {
        var topic = silo.CreateTopic();
        var name = "crash-" + topic;
        await silo.ProduceEventsAsync(topic, 0, 40);
        var first = await Query(topic, name, 20).StartAsync(name);
        await first.AwaitTerminationAsync();
        var offsetsOfLast = await File.ReadAllTextAsync(Path.Combine(silo.CheckpointRoot, name, "offsets", "1"));

        // As if the silo died after the sink committed batch 1 but before commits/1 was written.
        File.Delete(Path.Combine(silo.CheckpointRoot, name, "commits", "1"));
        await silo.ProduceEventsAsync(topic, 40, 20);
        var second = await Query(topic, name, 20).StartAsync(name);
        await second.AwaitTerminationAsync();

        var batches = await second.RecentProgressAsync();
        Assert.Equal(1, batches[0].BatchId);
        Assert.Equal(20, batches[0].NumInputRows);
        Assert.Equal(0, batches[0].Sink.NumOutputRows);
        Assert.Equal(offsetsOfLast, await File.ReadAllTextAsync(Path.Combine(silo.CheckpointRoot, name, "offsets", "1")));
        Assert.Equal([1L, 2L], batches.Select(b => b.BatchId));
        Assert.Equal(Enumerable.Range(0, 60), await SinkIdsAsync(name));
    }

    [Fact]
    public async Task Restart_AfterCrashBeforeSinkCommit_ReplayDeliversTheBatch()
    {
        var topic = silo.CreateTopic();
        var name = "lost-" + topic;
        await silo.ProduceEventsAsync(topic, 0, 20);
        var first = await Query(topic, name, 100).StartAsync(name);
        await first.AwaitTerminationAsync();
        await Client.StopAsync(name);

        // As if the silo died before anything of batch 0 was committed: no commit, and a memory sink that lost it.
        File.Delete(Path.Combine(silo.CheckpointRoot, name, "commits", "0"));
        await silo.Client.Cluster.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory(name).ToString()).ResetAsync();
        var second = await Query(topic, name, 100).StartAsync(name);
        await second.AwaitTerminationAsync();

        Assert.Equal(Enumerable.Range(0, 20), await SinkIdsAsync(name));
        Assert.Equal(0, (await second.RecentProgressAsync())[0].BatchId);
    }

    [Fact]
    public async Task Start_CorruptCommitLog_FailsInsteadOfStartingOver()
    {
        var topic = silo.CreateTopic();
        var name = "corrupt-" + topic;
        await silo.ProduceEventsAsync(topic, 0, 8);
        await (await Query(topic, name, 100).StartAsync(name)).AwaitTerminationAsync();
        await File.WriteAllTextAsync(Path.Combine(silo.CheckpointRoot, name, "commits", "0"), "v1\n{\"nextBatchWat");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => Query(topic, name, 100).StartAsync(name));

        Assert.Contains("commits", e.Message, StringComparison.Ordinal);
        Assert.Contains("unreadable", e.Message, StringComparison.Ordinal);
    }
}
