using System.Diagnostics;
using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.ClusterTests;

/// <summary>A silo dies the way a machine does (its process killed): the queries it ran go on elsewhere.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture cluster)
{
    // Orleans declares a killed silo dead after a few missed probes (seconds), then the query manager's watchdog
    // (every 5 s) restarts the query from its checkpoint.
    private static readonly TimeSpan ResumeTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KillingTheCoordinatorsSilo_QueryResumesOnAnotherAndWritesEveryRecordOnce()
    {
        var client = await cluster.ConnectAsync(cluster.Running.First());
        var topic = cluster.CreateTopic();
        cluster.ProduceEvents(topic, 0, 20);
        var name = "failover_" + Guid.NewGuid().ToString("N")[..8];
        var output = Path.Combine(cluster.Folder, "out", name);

        var query = await client.ReadStream().Kafka(topic).Schema(("id", "int"), ("user", "string"), ("ts", "timestamp")).StartingOffsets("earliest").Load()
            .Select("id", "user")
            .WriteStream().Format("json").Option("path", output).Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(name);
        await query.ProcessAllAvailableAsync();
        Assert.Equal(Enumerable.Range(0, 20), await IdsAsync(output));

        var host = await CoordinatorHostAsync(client, query.Id);
        host.Kill();
        var survivor = await cluster.ConnectAsync(cluster.Running.First());
        cluster.ProduceEvents(topic, 20, 20);

        var resumed = await WaitAsync(async () =>
        {
            // Asking the registry also reactivates the query manager if it died with the silo.
            var info = await survivor.GetQueryAsync(name);
            return info is not null && info.RunId != query.RunId && (await IdsAsync(output)).Count >= 40 ? info : null;
        }, $"query {name} resuming after silo {host.Index} was killed");

        Assert.Equal(Enumerable.Range(0, 40), await IdsAsync(output));
        Assert.Equal(query.Id, resumed.Id);
        Assert.True(await resumed.IsActiveAsync());
        await survivor.StopAsync(name);
    }

    /// <summary>The silo process holding the query's coordinator grain.</summary>
    private async Task<SiloProcess> CoordinatorHostAsync(SluiceClient client, Guid queryId)
    {
        var coordinator = client.Cluster.GetGrain<IBatchCoordinatorGrain>(queryId);
        var address = await client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(coordinator);
        Assert.NotNull(address);
        return Assert.Single(cluster.Silos, s => s.SiloPort == address.Endpoint.Port);
    }

    private static async Task<List<int>> IdsAsync(string output) =>
        Directory.Exists(output)
            ? (await FileSinkReader.ReadRowsAsync(output)).Select(r => (int)r["id"]!).Order().ToList()
            : [];

    private async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ResumeTimeout)
        {
            try
            {
                if (await probe() is { } result)
                {
                    return result;
                }
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The cluster has not yet declared the killed silo dead: calls routed to it fail.
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"No {what} within {ResumeTimeout.TotalSeconds} s.\n{cluster.Logs()}");
    }
}
