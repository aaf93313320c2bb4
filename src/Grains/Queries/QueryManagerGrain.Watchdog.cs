using Microsoft.Extensions.Logging;
using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Spec;

namespace Sluice.Queries;

/// <summary>
/// Keeps queries running when a silo fails: a grain timer checks every <see cref="SluiceOptions.QueryWatchdogPeriod"/>
/// that each query that should run has a coordinator with a live run, and restarts it from its checkpoint when not
/// (the coordinator's silo died, so its grain came back empty). Every silo's <see cref="SiloDeathWatch"/> asks for the
/// same check the moment the cluster declares a silo dead, which also reactivates the manager if it died with that
/// silo; the reminder (one-minute floor) is the last resort that brings the manager back if no silo asked.
/// </summary>
internal sealed partial class QueryManagerGrain : IRemindable
{
    private const string WatchdogReminder = "watchdog";
    private IGrainTimer? _watchdog;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _registry.ReadStateAsync(cancellationToken);
        if (_registry.State.Queries.Values.Any(q => q.ShouldRun))
        {
            StartWatchdog();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartWatchdog();
        return Task.CompletedTask;
    }

    public Task CheckQueriesNowAsync()
    {
        if (!_registry.State.Queries.Values.Any(q => q.ShouldRun))
        {
            return Task.CompletedTask;
        }
        StartWatchdog();
        return CheckQueriesAsync(CancellationToken.None);
    }

    private void StartWatchdog()
    {
        var every = options.Value.QueryWatchdogPeriod;
        _watchdog ??= this.RegisterGrainTimer(CheckQueriesAsync, new GrainTimerCreationOptions(every, every) { Interleave = false, KeepAlive = true });
    }

    private async Task RememberAsync(QuerySpec spec, Guid queryId, bool shouldRun)
    {
        var specJson = SpecWriter.Write(spec, indented: false);
        await StateWrites.ApplyAsync(
            _registry,
            state => state.Queries[spec.Name] = new RegisteredQuery { SpecJson = specJson, ShouldRun = shouldRun, QueryId = queryId },
            $"query {spec.Name}",
            logger);
        await KeepReminderAsync();
        if (shouldRun)
        {
            StartWatchdog();
        }
    }

    private async Task MarkEndedAsync(string name)
    {
        if (_registry.State.Queries.TryGetValue(name, out var registered) && registered.ShouldRun)
        {
            // By name: a retry applies the change to the state read again, whose entries are other objects.
            await StateWrites.ApplyAsync(_registry, state => state.Queries.GetValueOrDefault(name)?.ShouldRun = false, $"that query {name} ended", logger);
            await KeepReminderAsync();
        }
    }

    private async Task KeepReminderAsync()
    {
        var anyToRun = _registry.State.Queries.Values.Any(q => q.ShouldRun);
        var reminder = await this.GetReminder(WatchdogReminder);
        if (anyToRun && reminder is null)
        {
            await this.RegisterOrUpdateReminder(WatchdogReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        else if (!anyToRun && reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task CheckQueriesAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, registered) in _registry.State.Queries.Where(q => q.Value.ShouldRun).ToList())
        {
            var info = await GrainFactory.GetGrain<IBatchCoordinatorGrain>(registered.QueryId).GetInfoAsync();
            if (info.IsActive || info.State is QueryState.Completed or QueryState.Failed)
            {
                // A manager reactivated after its silo died knows the queries still running elsewhere only from here.
                _queries[name] = info;
                continue;
            }
            LogRestarting(logger, name, registered.QueryId);
            try
            {
                _queries.Remove(name);
                await StartAsync(SpecReader.Read(registered.SpecJson));
            }
            catch (Exception e) when (e is QueryStartException or OrleansException or TimeoutException)
            {
                LogRestartFailed(logger, e, name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName} [id {QueryId}] should run but its coordinator has no run (its silo failed?): restarting it from its checkpoint")]
    private static partial void LogRestarting(ILogger logger, string queryName, Guid queryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restarting query {QueryName} failed; the watchdog tries again")]
    private static partial void LogRestartFailed(ILogger logger, Exception exception, string queryName);
}
