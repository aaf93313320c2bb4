using Sluice.Client;
using Xunit.Abstractions;

namespace Sluice.ClusterTests;

/// <summary>The rolling upgrade on Redis.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisRollingUpgradeTests(RedisClusterFixture cluster, ITestOutputHelper output) : RollingUpgradeTests(cluster, output);

/// <summary>The rolling upgrade on Azure Storage (Azurite).</summary>
[Collection(AzureClusterCollection.Name)]
public sealed class AzureRollingUpgradeTests(AzureClusterFixture cluster, ITestOutputHelper output) : RollingUpgradeTests(cluster, output);

/// <summary>
/// A rolling upgrade as Kubernetes does one (maxSurge 1, maxUnavailable 0): for each silo of the old build, a silo of
/// the new build (tests/UpgradedSilo, whose start-up line differs) joins, then the old one gets SIGTERM and leaves. A
/// stateful query runs throughout, with input arriving between the steps; its output must hold every result once.
/// </summary>
public abstract class RollingUpgradeTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan OutputTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task ReplacingEverySiloWithANewBuild_OneAtATime_KeepsAStatefulQueryRunningWithEachResultOnce()
    {
        var old = cluster.Running.Where(s => s.BuildName == SiloProcess.Build).ToList();
        Assert.True(old.Count >= 2, cluster.Logs());
        var client = await cluster.ConnectAsync(old[0]);
        var topic = cluster.CreateTopic();
        cluster.ProduceEvents(topic, 0, 25);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (rowsName, countsName) = ("up_rows_" + suffix, "up_counts_" + suffix);
        var (rowsFolder, countsFolder) = (Path.Combine(cluster.Folder, "out", rowsName), Path.Combine(cluster.Folder, "out", countsName));
        StreamFrame Events() => client.ReadStream().Kafka(topic).Schema(("id", "int"), ("user", "string"), ("ts", "timestamp")).StartingOffsets("earliest").Load();
        var rows = await Events().Select("id", "user")
            .WriteStream().Format("json").Option("path", rowsFolder).Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(rowsName);
        var counts = await Events().WithWatermark("ts", "5 seconds").GroupBy(["window(ts, '10 seconds') AS window", "user"], ["count(*) AS n"])
            .WriteStream().Format("json").Option("path", countsFolder).OutputMode("append").Trigger(Trigger.ProcessingTime("200 milliseconds")).StartAsync(countsName);
        await rows.ProcessAllAvailableAsync();
        await counts.ProcessAllAvailableAsync();

        var produced = 25;
        foreach (var silo in old)
        {
            var upgraded = await cluster.StartSiloAsync(SiloProcess.UpgradedBuild);
            await silo.StopGracefullyAsync(StopTimeout);
            output.WriteLine($"[{cluster.Provider}] silo {silo.Index} (old build) replaced by silo {upgraded.Index} (new build)");
            cluster.ProduceEvents(topic, produced, 10);
            produced += 10;
        }

        // 55 events put the watermark at 49 s: windows [0, 10) to [30, 40) are final, 3 users each.
        await WaitForAsync(async () => (await OutputIds(rowsFolder)).Count >= produced && (await OutputCounts(countsFolder)).Count >= 12,
            $"{rowsName} and {countsName} to catch up after the upgrade");
        Assert.Equal(Enumerable.Range(0, produced), await OutputIds(rowsFolder));
        var expected = Enumerable.Range(0, 40)
            .GroupBy(i => ($"1970-01-01T00:00:{i / 10 * 10:00}Z", $"u{i % 3}"))
            .Select(g => (g.Key.Item1, g.Key.Item2, (long)g.Count()))
            .Order();
        Assert.Equal(expected, await OutputCounts(countsFolder));
        Assert.All(old, s => Assert.False(s.IsRunning));
        var upgradedSilos = cluster.Running.ToList();
        Assert.All(upgradedSilos, s => Assert.Equal(SiloProcess.UpgradedBuild, s.BuildName));
        Assert.All(upgradedSilos, s => Assert.Contains("upgraded build", s.Tail(int.MaxValue), StringComparison.Ordinal));
        var survivor = await cluster.ConnectAsync(upgradedSilos[0]);
        var info = await survivor.GetQueryAsync(countsName);
        Assert.NotNull(info);
        Assert.Equal(counts.Id, info.Id);
        Assert.True(await info.IsActiveAsync());
        await survivor.StopAsync(rowsName);
        await survivor.StopAsync(countsName);
    }

    private static async Task<List<int>> OutputIds(string folder) =>
        Directory.Exists(folder) ? (await FileSinkReader.ReadRowsAsync(folder)).Select(r => (int)r["id"]!).Order().ToList() : [];

    private static async Task<List<(string Window, string User, long N)>> OutputCounts(string folder) =>
        Directory.Exists(folder)
            ? (await FileSinkReader.ReadRowsAsync(folder)).Select(r => ((string)r["window"]!["start"]!, (string)r["user"]!, (long)r["n"]!)).Order().ToList()
            : [];

    private async Task WaitForAsync(Func<Task<bool>> done, string what)
    {
        using var timeout = new CancellationTokenSource(OutputTimeout);
        while (!await done())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"No {what} within {OutputTimeout.TotalSeconds} s.\n{cluster.Logs()}");
            }
            await Task.Delay(500);
        }
    }
}
