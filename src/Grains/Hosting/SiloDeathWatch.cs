using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Sluice.Contracts;

namespace Sluice.Hosting;

/// <summary>
/// Asks the query manager to check its queries the moment the cluster declares a silo dead, instead of waiting for its
/// watchdog timer, or for its one-minute reminder when the manager died with that silo: the call itself reactivates the
/// manager on a live silo. Every silo does this; the manager handles the calls one at a time and a second check finds
/// the queries already restarted. The membership update is the event, so there is no polling here.
/// </summary>
internal sealed partial class SiloDeathWatch(IClusterMembershipService membership, IGrainFactory grains, ILogger<SiloDeathWatch> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    // Right after the declaration, a call may still be routed by a directory entry on the dead silo: try a few times.
    private const int Attempts = 10;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDeathWatch), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _watching.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: a check in flight is the other silos' to finish.
        }
        _stopping.Dispose();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var dead = DeadSilos(membership.CurrentSnapshot);
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            var newlyDead = DeadSilos(snapshot).Where(dead.Add).ToList();
            if (newlyDead.Count > 0)
            {
                LogSiloDead(logger, string.Join(", ", newlyDead));
                await CheckQueriesAsync(cancellationToken);
            }
        }
    }

    private static HashSet<SiloAddress> DeadSilos(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();

    private async Task CheckQueriesAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IQueryManagerGrain>(0).CheckQueriesNowAsync().WaitAsync(cancellationToken);
                return;
            }
            catch (Exception e) when ((e is OrleansException or TimeoutException) && attempt < Attempts)
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                LogCheckFailed(logger, e);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silos} declared dead: asking the query manager to restart the queries it ran")]
    private static partial void LogSiloDead(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The query manager did not answer after a silo died; its watchdog timer or reminder restarts the queries later")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
