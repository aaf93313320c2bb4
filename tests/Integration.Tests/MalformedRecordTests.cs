using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class MalformedRecordTests(SiloFixture silo)
{
    private static readonly string[] Records = ["{\"id\": 1, \"name\": \"a\"}", "{\"id\": \"one\", \"name\": \"b\"}", "not json at all", "{\"id\": 4, \"name\": \"d\"}"];

    private async Task<(StreamingQuery Query, string Name)> RunAsync(string mode, params (string, string)[] schema)
    {
        var topic = silo.CreateTopic(1);
        await silo.ProduceAsync(topic, Records.Select(r => (0, r)));
        var name = "m" + Guid.NewGuid().ToString("N")[..10];
        var query = await silo.Client.ReadStream().Kafka(topic).Schema(schema).Option("mode", mode).StartingOffsets("earliest").Load()
            .WriteStream().Format("memory").Trigger(Trigger.Once()).StartAsync(name);
        return (query, name);
    }

    [Fact]
    public async Task Permissive_KeepsMalformedRecordsWithNullsAndTheirText()
    {
        var (query, name) = await RunAsync("PERMISSIVE", ("id", "int"), ("name", "string"), ("_corrupt_record", "string"));
        await query.AwaitTerminationAsync();

        var rows = (await silo.Client.ReadMemorySinkJsonAsync(name)).Select(r => r.ToJsonString()).ToList();
        Assert.Equal(
        [
            "{\"id\":1,\"name\":\"a\",\"_corrupt_record\":null}",
            "{\"id\":null,\"name\":\"b\",\"_corrupt_record\":\"{\\u0022id\\u0022: \\u0022one\\u0022, \\u0022name\\u0022: \\u0022b\\u0022}\"}",
            "{\"id\":null,\"name\":null,\"_corrupt_record\":\"not json at all\"}",
            "{\"id\":4,\"name\":\"d\",\"_corrupt_record\":null}",
        ], rows);
        var progress = await query.LastProgressAsync();
        Assert.Equal("2", progress!.Sources[0].Metrics["numMalformedRecords"]);
        Assert.Equal(4, progress.NumInputRows);
    }

    [Fact]
    public async Task DropMalformed_DropsAndCountsThem()
    {
        var (query, name) = await RunAsync("DROPMALFORMED", ("id", "int"), ("name", "string"));
        await query.AwaitTerminationAsync();

        Assert.Equal([1, 4], (await silo.Client.ReadMemorySinkJsonAsync(name)).Select(r => r["id"]!.GetValue<int>()));
        var progress = await query.LastProgressAsync();
        Assert.Equal("2", progress!.Sources[0].Metrics["numDroppedMalformedRecords"]);
    }

    [Fact]
    public async Task FailFast_FailsTheQueryNamingTheRecord()
    {
        var (query, _) = await RunAsync("FAILFAST", ("id", "int"), ("name", "string"));

        var e = await Assert.ThrowsAsync<StreamingQueryException>(() => query.AwaitTerminationAsync());

        Assert.Contains("offset 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(QueryState.Failed, (await query.StatusAsync()).State);
        Assert.NotNull(await query.ExceptionAsync());
    }
}
