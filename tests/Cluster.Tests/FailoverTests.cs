using System.Diagnostics;
using Sluice.Client;
using Sluice.Contracts;
using Xunit.Abstractions;

namespace Sluice.ClusterTests;

/// <summary>A silo dies the way a machine does (its process killed): the queries it ran go on elsewhere.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture cluster, ITestOutputHelper output)
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
        var folder = Path.Combine(cluster.Folder, "out", name);

        var query = await client.ReadStream().Kafka(topic).Schema(("id", "int"), ("user", "string"), ("ts", "timestamp")).StartingOffsets("earliest").Load()
            .Select("id", "user")
            .WriteStream().Format("json").Option("path", folder).Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(name);
        await query.ProcessAllAvailableAsync();
        Assert.Equal(Enumerable.Range(0, 20), await IdsAsync(folder));

        var host = await HostOfAsync(client, client.Cluster.GetGrain<IBatchCoordinatorGrain>(query.Id));
        var managerHost = await HostOfAsync(client, client.Cluster.GetGrain<IQueryManagerGrain>(0));
        host.Kill();
        var killedAt = Stopwatch.StartNew();
        var survivor = await cluster.ConnectAsync(cluster.Running.First());
        cluster.ProduceEvents(topic, 20, 20);

        var resumed = await WaitAsync(async () =>
        {
            // Asking the registry also reactivates the query manager if it died with the silo.
            var info = await survivor.GetQueryAsync(name);
            return info is not null && info.RunId != query.RunId && (await IdsAsync(folder)).Count >= 40 ? info : null;
        }, $"query {name} resuming after silo {host.Index} was killed");

        output.WriteLine($"Killed silo {host.Index}, which held the coordinator (the query manager was on silo {managerHost.Index}); the query resumed (new run {resumed.RunId}) within {killedAt.Elapsed.TotalSeconds:F1} s.");
        Assert.Equal(Enumerable.Range(0, 40), await IdsAsync(folder));
        Assert.Equal(query.Id, resumed.Id);
        Assert.True(await resumed.IsActiveAsync());
        await survivor.StopAsync(name);
    }

    /// <summary>The silo process holding <paramref name="grain"/>'s activation.</summary>
    private async Task<SiloProcess> HostOfAsync(SluiceClient client, IAddressable grain)
    {
        var address = await client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
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
