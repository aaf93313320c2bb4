using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sluice.Client;

namespace Sluice.ClusterTests;

/// <summary>The registry test on Redis.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisQueryRegistryTests(RedisClusterFixture cluster) : QueryRegistryTests(cluster);

/// <summary>The registry test on Azure Storage (Azurite).</summary>
[Collection(AzureClusterCollection.Name)]
public sealed class AzureQueryRegistryTests(AzureClusterFixture cluster) : QueryRegistryTests(cluster);

/// <summary>The query registry is one for the whole cluster, whichever silo a client talks to.</summary>
public abstract class QueryRegistryTests(ClusterFixture cluster)
{
    [Fact]
    public async Task WindowedCount_StartedThroughOneSilo_IsListedReadAndStoppedThroughTheOthers()
    {
        // The failover test may already have killed a silo: use the ones still running.
        var silos = cluster.Running.ToList();
        Assert.True(silos.Count >= 2, cluster.Logs());
        var submitter = await cluster.ConnectAsync(silos[0]);
        var other = await cluster.ConnectAsync(silos[1]);
        var topic = cluster.CreateTopic();
        cluster.ProduceEvents(topic, 0, 30);
        var name = "counts_" + Guid.NewGuid().ToString("N")[..8];

        var query = await submitter.ReadStream().Kafka(topic).Schema(("id", "int"), ("user", "string"), ("ts", "timestamp")).StartingOffsets("earliest").Load()
            .WithWatermark("ts", "10 seconds")
            .GroupBy(["window(ts, '10 seconds') AS window", "user"], ["count(*) AS n"])
            .WriteStream().Format("memory").OutputMode("update").StartAsync(name);
        await query.ProcessAllAvailableAsync();

        var listed = await other.ListActiveAsync();
        Assert.Contains(listed, q => q.Name == name && q.Id == query.Id && q.RunId == query.RunId);
        using var http = SiloProcess.CreateHttpClient();
        var overHttp = await http.GetFromJsonAsync<JsonArray>($"http://127.0.0.1:{silos[^1].HttpPort}/api/queries");
        Assert.Contains(overHttp!, q => (string?)q!["name"] == name);

        // Update mode appends each changed count; the last row of a (window, user) is its count now.
        var rows = await other.ReadMemorySinkJsonAsync(name);
        var counts = rows.GroupBy(r => ((string)r["window"]!["start"]!, (string)r["user"]!))
            .ToDictionary(g => g.Key, g => (long)g.Last()["n"]!);
        var expected = Enumerable.Range(0, 30)
            .GroupBy(i => ($"1970-01-01T00:00:{i / 10 * 10:00}Z", $"u{i % 3}"))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key), counts.OrderBy(c => c.Key));

        await other.StopAsync(name);
        Assert.False(await query.IsActiveAsync());
        Assert.DoesNotContain(await submitter.ListActiveAsync(), q => q.Name == name);
    }
}
