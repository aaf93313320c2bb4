using System.Diagnostics;
using Orleans.Core.Internal;
using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

/// <summary>
/// Orleans may deactivate a running coordinator while its silo goes on: in a rolling upgrade on Redis it did so with
/// DirectoryFailure ("server ... entered status ShuttingDown and was responsible for this activation's grain directory
/// registration") as another silo left. That is not a user's stop: the query manager must restart the query.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class CoordinatorDeactivationTests(SiloFixture silo)
{
    // Only against a hang: the watchdog checks every 2 s (Sluice:QueryWatchdogPeriod).
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunningCoordinator_DeactivatedByOrleans_IsRestartedByTheWatchdog_NotTakenForAStop()
    {
        var name = "deactivated_" + Guid.NewGuid().ToString("N")[..8];
        var query = await silo.Client.ReadStream().Memory("in_" + name).Schema(("id", "int")).Load()
            .WriteStream().Trigger(Trigger.Manual()).StartAsync(name);

        await silo.Client.Cluster.GetGrain<IBatchCoordinatorGrain>(query.Id).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var clock = Stopwatch.StartNew();
        StreamingQuery? current = null;
        while (clock.Elapsed < RestartTimeout && !(current is not null && current.RunId != query.RunId && await current.IsActiveAsync()))
        {
            await Task.Delay(200);
            current = await silo.Client.GetQueryAsync(name);
        }
        Assert.NotNull(current);
        Assert.Equal(query.Id, current.Id);
        Assert.NotEqual(query.RunId, current.RunId);
        Assert.True(await current.IsActiveAsync());
        await silo.Client.StopAsync(name);
        Assert.False(await current.IsActiveAsync());
    }
}
