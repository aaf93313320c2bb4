using System.Diagnostics;
using Sluice.Client;
using Sluice.Contracts;
using Xunit.Abstractions;

namespace Sluice.ClusterTests;

/// <summary>The failover test on Redis.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisFailoverTests(RedisClusterFixture cluster, ITestOutputHelper output) : FailoverTests(cluster, output);

/// <summary>The failover test on Azure Storage (Azurite).</summary>
[Collection(AzureClusterCollection.Name)]
public sealed class AzureFailoverTests(AzureClusterFixture cluster, ITestOutputHelper output) : FailoverTests(cluster, output);

/// <summary>
/// A silo dies the way a machine does (its process killed): the queries it ran go on elsewhere. Run on every cluster
/// provider, with Sluice's shipped failure-detection defaults.
/// </summary>
public abstract class FailoverTests(ClusterFixture cluster, ITestOutputHelper output)
{
    // Orleans declares a killed silo dead after missed probes (about 4 s with the shipped defaults), and every silo then
    // asks the query manager to restart the queries from their checkpoints. The bound here is only against a hang: the
    // time it took is printed (deploy/README.md collects the figures), not asserted on a shared, loaded machine.
    private static readonly TimeSpan ResumeTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KillingTheCoordinatorsSilo_QueriesResumeOnAnotherWithTheirStateAndWriteEachResultOnce()
    {
        var client = await cluster.ConnectAsync(cluster.Running.First());
        var topic = cluster.CreateTopic();
        cluster.ProduceEvents(topic, 0, 25);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (rowsName, countsName) = ("rows_" + suffix, "counts_" + suffix);
        var (rowsFolder, countsFolder) = (Path.Combine(cluster.Folder, "out", rowsName), Path.Combine(cluster.Folder, "out", countsName));
        StreamFrame Events() => client.ReadStream().Kafka(topic).Schema(("id", "int"), ("user", "string"), ("ts", "timestamp")).StartingOffsets("earliest").Load();

        var rows = await Events().Select("id", "user")
            .WriteStream().Format("json").Option("path", rowsFolder).Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(rowsName);
        // Window [20, 30) gets ids 20-24 before the kill and 25-29 after: its count needs the state the checkpoint kept.
        var counts = await Events().WithWatermark("ts", "5 seconds").GroupBy(["window(ts, '10 seconds') AS window", "user"], ["count(*) AS n"])
            .WriteStream().Format("json").Option("path", countsFolder).OutputMode("append").Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(countsName);
        await rows.ProcessAllAvailableAsync();
        await counts.ProcessAllAvailableAsync();
        Assert.Equal(Enumerable.Range(0, 25), await IdsAsync(rowsFolder));

        var host = await HostOfAsync(client, client.Cluster.GetGrain<IBatchCoordinatorGrain>(counts.Id));
        var managerHost = await HostOfAsync(client, client.Cluster.GetGrain<IQueryManagerGrain>(0));
        host.Kill();
        var killedAt = Stopwatch.StartNew();
        var survivor = await cluster.ConnectAsync(cluster.Running.First());
        cluster.ProduceEvents(topic, 25, 25);

        // Ids 0-49 put the watermark at 44 s: windows [0, 10) to [30, 40) are final, 3 users each. Only the output is
        // read until then: asking the registry would reactivate a query manager that died with the silo, which is
        // what the silos' death watch must do by itself.
        await WaitAsync(async () => (await IdsAsync(rowsFolder)).Count >= 50 && (await CountsAsync(countsFolder)).Count >= 12 ? "done" : null,
            $"queries {rowsName} and {countsName} resuming after silo {host.Index} was killed");
        var resumedAfter = killedAt.Elapsed;
        var resumed = await survivor.GetQueryAsync(countsName);
        Assert.NotNull(resumed);
        Assert.NotEqual(counts.RunId, resumed.RunId);
        output.WriteLine(
            $"[{cluster.Provider}] Killed silo {host.Index}, which held {countsName}'s coordinator (the query manager was on silo {managerHost.Index}); " +
            $"both queries' output was complete {resumedAfter.TotalSeconds:F1} s later (new run {resumed.RunId}).");

        // The survivors saw the death and asked the query manager to check at once (SiloDeathWatch).
        Assert.Contains(cluster.Running, s => s.Tail(int.MaxValue).Contains("declared dead: asking the query manager", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 50), await IdsAsync(rowsFolder));
        var expected = Enumerable.Range(0, 40)
            .GroupBy(i => ($"1970-01-01T00:00:{i / 10 * 10:00}Z", $"u{i % 3}"))
            .Select(g => (g.Key.Item1, g.Key.Item2, (long)g.Count()))
            .Order();
        Assert.Equal(expected, await CountsAsync(countsFolder));
        Assert.Equal(counts.Id, resumed.Id);
        Assert.True(await resumed.IsActiveAsync());
        await survivor.StopAsync(rowsName);
        await survivor.StopAsync(countsName);
    }

    /// <summary>The silo process holding <paramref name="grain"/>'s activation.</summary>
    private async Task<SiloProcess> HostOfAsync(SluiceClient client, IAddressable grain)
    {
        var address = await client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        Assert.NotNull(address);
        return Assert.Single(cluster.Silos, s => s.SiloPort == address.Endpoint.Port);
    }

    private static async Task<List<(string Window, string User, long N)>> CountsAsync(string folder) =>
        Directory.Exists(folder)
            ? (await FileSinkReader.ReadRowsAsync(folder)).Select(r => ((string)r["window"]!["start"]!, (string)r["user"]!, (long)r["n"]!)).Order().ToList()
            : [];

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
