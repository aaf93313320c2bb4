using Sluice.Client;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>Several streams through the client API: Union and Join, and the watermark policy a restart keeps.</summary>
[Collection(SiloCollection.Name)]
public sealed class StreamsTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Id() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task ClientApi_UnionThenJoinWithATable_ReadsBothStreamsAndEnrichesThem()
    {
        var (a, b, name) = ("ua-" + Id(), "ub-" + Id(), "u_" + Id());
        var users = Client.ReadStream().Schema(("uid", "string"), ("country", "string")).Table(new { uid = "u1", country = "FR" }).Load();
        var query = await Client.ReadStream().Memory(a).Schema(("user_id", "string"), ("amount", "double")).Load()
            .Union(Client.ReadStream().Memory(b).Schema(("user", "string"), ("value", "double")).Load())
            .Join(users, "user_id = uid", "leftOuter")
            .Select("user_id", "amount", "country")
            .WriteStream().Trigger(Trigger.Manual()).StartAsync(name);

        await Client.AddDataAsync(a, new { user_id = "u1", amount = 1.0 });
        await Client.AddDataAsync(b, new { user = "u2", value = 2.0 });
        await query.ProcessAllAvailableAsync();
        await query.StopAsync();

        var rows = await Client.ReadMemorySinkJsonAsync(name);
        Assert.Equal([("u1", 1.0, "FR"), ("u2", 2.0, null)], rows.Select(r => (r["user_id"]!.GetValue<string>(), r["amount"]!.GetValue<double>(), r["country"]?.GetValue<string>())).OrderBy(r => r.Item1));
        var progress = await query.LastProgressAsync();
        Assert.Equal(2, progress!.Sources.Count);
        Assert.Equal($"MemoryStream[{b}]", progress.Sources[1].Description);
    }

    [Fact]
    public async Task Restart_WithAnotherWatermarkPolicy_KeepsTheCheckpointsPolicy()
    {
        var (a, b, name) = ("wa-" + Id(), "wb-" + Id(), "w_" + Id());
        QuerySpec Spec(WatermarkPolicy policy) => Client.ReadStream().Memory(a).Schema(("ts", "timestamp")).Load().WithWatermark("ts", "1 second")
            .Union(Client.ReadStream().Memory(b).Schema(("time", "timestamp")).Load().WithWatermark("time", "1 second"))
            .WriteStream().Trigger(Trigger.Manual()).ToSpec(name) with { WatermarkPolicy = policy };
        var first = await Client.StartAsync(Spec(WatermarkPolicy.Max));
        await Client.AddDataAsync(a, new { ts = "1970-01-01T00:00:20Z" });
        await Client.AddDataAsync(b, new { time = "1970-01-01T00:00:05Z" });
        await first.ProcessAllAvailableAsync();
        await first.StopAsync();

        var second = await Client.StartAsync(Spec(WatermarkPolicy.Min));
        await Client.AddDataAsync(a, new { ts = "1970-01-01T00:00:30Z" });
        await Client.AddDataAsync(b, new { time = "1970-01-01T00:00:06Z" });
        await second.ProcessAllAvailableAsync();
        await Client.AddDataAsync(a, new { ts = "1970-01-01T00:00:31Z" });
        await second.ProcessAllAvailableAsync();
        await second.StopAsync();

        // Max over (29, 5) is 29; min would have kept the watermark at 19.
        Assert.Equal("1970-01-01T00:00:29Z", (await second.LastProgressAsync())!.EventTime["watermark"]);
    }
}
