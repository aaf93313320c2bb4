using Sluice.Cli;
using Sluice.Client;

namespace Sluice.IntegrationTests;

/// <summary><c>sluice checkpoint inspect|reset</c> on checkpoints the fixture's silo wrote.</summary>
[Collection(SiloCollection.Name)]
public sealed class CheckpointToolTests(SiloFixture silo)
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (await SluiceCli.Build().Parse(args).InvokeAsync(), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private async Task<(StreamingQuery Query, string Path)> RunThreeBatchesAsync(string name, string minBatchesToRetain = "100")
    {
        var topic = silo.CreateTopic(1);
        await silo.ProduceEventsAsync(topic, 0, 30, partitions: 1);
        var query = await silo.Client.ReadStream().Kafka(topic).Schema(("id", "int")).StartingOffsets("earliest").MaxOffsetsPerTrigger(10).Load()
            .WriteStream().Trigger(Trigger.AvailableNow()).Option("minBatchesToRetain", minBatchesToRetain).CheckpointLocation(name).StartAsync(name);
        await query.AwaitTerminationAsync();
        return (query, Path.Combine(silo.CheckpointRoot, name));
    }

    [Fact]
    public async Task Inspect_ShowsQueryBatchesAndPendingBatch()
    {
        var name = "inspect-" + Guid.NewGuid().ToString("N")[..6];
        var (query, path) = await RunThreeBatchesAsync(name);
        File.Delete(Path.Combine(path, "commits", "2"));

        var (code, output, _) = await RunAsync("checkpoint", "inspect", path);

        Assert.Equal(0, code);
        Assert.Contains($"query       {name} (id {query.Id})", output, StringComparison.Ordinal);
        Assert.Contains("3 planned (offsets/), 2 committed (commits/)", output, StringComparison.Ordinal);
        Assert.Contains("pending     batch 2 has offsets but no commit", output, StringComparison.Ordinal);
        Assert.Contains("=30", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_ToBatch_MakesTheNextRunContinueAfterIt()
    {
        var name = "reset-" + Guid.NewGuid().ToString("N")[..6];
        var (_, path) = await RunThreeBatchesAsync(name);

        var refused = await RunAsync("checkpoint", "reset", path, "--to-batch", "0");
        var (code, output, _) = await RunAsync("checkpoint", "reset", path, "--to-batch", "0", "--yes");
        var (_, inspected, _) = await RunAsync("checkpoint", "inspect", path);

        Assert.Equal(2, refused.Code);
        Assert.Contains("add --yes", refused.Err, StringComparison.Ordinal);
        Assert.Equal(0, code);
        Assert.Contains("the next batch is 1", output, StringComparison.Ordinal);
        Assert.Contains("1 planned (offsets/), 1 committed (commits/)", inspected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectAndReset_AfterAPurge_ShowTheRetainedRangeAndRefuseAPurgedBatch()
    {
        var name = "retained-" + Guid.NewGuid().ToString("N")[..6];
        var (_, path) = await RunThreeBatchesAsync(name, minBatchesToRetain: "1");

        var (_, inspected, _) = await RunAsync("checkpoint", "inspect", path);
        var (code, _, error) = await RunAsync("checkpoint", "reset", path, "--to-batch", "0", "--yes");

        Assert.Contains("1 planned (offsets/), 1 committed (commits/)", inspected, StringComparison.Ordinal);
        Assert.Contains("retained    batches 2..2 (batches before 2 were purged)", inspected, StringComparison.Ordinal);
        Assert.Equal(1, code);
        Assert.Contains("batch 0 was purged: the checkpoint keeps its last batches from 2 on", error, StringComparison.Ordinal);
        Assert.Equal(["2"], Directory.GetFiles(Path.Combine(path, "offsets")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Start_WithMinBatchesToRetainBelowOne_IsRefusedNamingTheOption()
    {
        var name = "noretain-" + Guid.NewGuid().ToString("N")[..6];

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunThreeBatchesAsync(name, minBatchesToRetain: "0"));

        Assert.Contains("$.options.minBatchesToRetain: expected a positive whole number", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(silo.CheckpointRoot, name)));
    }

    [Fact]
    public async Task Reset_OfARunningQuerysCheckpoint_IsRefused()
    {
        var name = "busy-" + Guid.NewGuid().ToString("N")[..6];
        var query = await silo.Client.ReadStream().Memory(name).Schema(("id", "int")).Load().WriteStream().Trigger(Trigger.Manual()).CheckpointLocation(name).StartAsync(name);

        var (code, _, error) = await RunAsync("checkpoint", "reset", Path.Combine(silo.CheckpointRoot, name), "--all", "--yes");

        Assert.Equal(2, code);
        Assert.Contains("in use by a running query", error, StringComparison.Ordinal);
        await query.StopAsync();
    }
}
