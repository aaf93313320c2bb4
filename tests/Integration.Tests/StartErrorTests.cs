using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class StartErrorTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private StreamFrame Memory() => Client.ReadStream().Memory("m" + Guid.NewGuid().ToString("N")[..8]).Schema(("id", "int"), ("name", "string")).Load();

    private static string Name() => "q" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Start_UnknownColumn_FailsWithThePathAndTheColumns()
    {
        var e = await Assert.ThrowsAsync<QueryStartException>(() => Memory().Where("nmae = 'x'").WriteStream().StartAsync(Name()));

        Assert.Contains("$.operators[0].condition", e.Message, StringComparison.Ordinal);
        Assert.Contains("nmae", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TypeError_FailsBeforeAnyRow()
    {
        var e = await Assert.ThrowsAsync<QueryStartException>(() => Memory().Select("id AND name AS x").WriteStream().StartAsync(Name()));

        Assert.Contains("$.operators[0].columns[0]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CompleteModeWithoutAggregation_FailsWithSparksRule()
    {
        var e = await Assert.ThrowsAsync<QueryStartException>(() => Memory().WriteStream().OutputMode("complete").StartAsync(Name()));

        Assert.Contains("Complete output mode not supported when there are no streaming aggregations", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriterOption_CheckpointLocation_SetsTheCheckpointAsSparksWriterDoes()
    {
        var spec = Memory().WriteStream().Option("checkpointLocation", "cp-by-option").ToSpec(Name());

        Assert.Equal("cp-by-option", spec.CheckpointLocation);
        Assert.DoesNotContain("checkpointLocation", spec.Options.Keys);
    }

    [Fact]
    public async Task Start_NameAlreadyActive_Fails()
    {
        var name = Name();
        var first = await Memory().WriteStream().Trigger(Trigger.Manual()).StartAsync(name);

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Memory().WriteStream().Trigger(Trigger.Manual()).StartAsync(name));

        Assert.Contains("already active", e.Message, StringComparison.Ordinal);
        await first.StopAsync();
    }

    [Fact]
    public async Task Start_CheckpointOwnedByARunningQuery_Fails()
    {
        var checkpoint = "shared-" + Guid.NewGuid().ToString("N");
        var first = await Memory().WriteStream().Trigger(Trigger.Manual()).CheckpointLocation(checkpoint).StartAsync(Name());

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Memory().WriteStream().Trigger(Trigger.Manual()).CheckpointLocation(checkpoint).StartAsync(Name()));

        Assert.Contains("in use by the active query", e.Message, StringComparison.Ordinal);
        Assert.Contains(first.Name, e.Message, StringComparison.Ordinal);
        await first.StopAsync();
    }

    [Fact]
    public async Task Start_MissingTopic_FailsNamingTheTopic()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            Client.ReadStream().Kafka("no-such-topic").Schema(("id", "int")).Load().WriteStream().StartAsync(Name()));

        Assert.Contains("no-such-topic", e.Message, StringComparison.Ordinal);
    }
}
