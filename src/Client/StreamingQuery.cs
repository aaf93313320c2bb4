using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Client;

/// <summary>A handle on a running (or ended) query, like Spark's <c>StreamingQuery</c>.</summary>
public sealed class StreamingQuery
{
    private readonly SluiceClient _client;
    private readonly IBatchCoordinatorGrain _coordinator;

    internal StreamingQuery(SluiceClient client, QueryInfo info)
    {
        _client = client;
        Id = info.Id;
        RunId = info.RunId;
        Name = info.Name;
        _coordinator = client.Cluster.GetGrain<IBatchCoordinatorGrain>(info.Id);
    }

    /// <summary>Stable across restarts: it is stored in the checkpoint.</summary>
    public Guid Id { get; }

    /// <summary>New at every start.</summary>
    public Guid RunId { get; }

    /// <summary>The query's name, unique among active queries.</summary>
    public string Name { get; }

    /// <summary>Spark's <c>isActive</c>.</summary>
    public async Task<bool> IsActiveAsync()
    {
        var info = await StatusAsync();
        return info.IsActive && info.RunId == RunId;
    }

    /// <summary>The query's state, what it is doing now, and its error if it failed.</summary>
    public Task<QueryInfo> StatusAsync() => _coordinator.GetInfoAsync();

    /// <summary>Stops the query after the batch in flight (a batch cut short re-runs at the next start).</summary>
    public Task StopAsync() => _client.StopAsync(Name);

    /// <summary>Waits until all data available now has been processed (Spark's <c>processAllAvailable</c>).</summary>
    /// <exception cref="StreamingQueryException">The query failed.</exception>
    public async Task ProcessAllAvailableAsync()
    {
        // Waits in bounded steps, so a batch longer than a call's timeout only means another step.
        var ticket = 0L;
        do
        {
            ticket = await _coordinator.ProcessAllAvailableAsync(ticket, TimeSpan.FromSeconds(10));
        }
        while (ticket != 0);
    }

    /// <summary>Waits for the query to end; throws if it failed.</summary>
    /// <exception cref="StreamingQueryException">The query failed.</exception>
    public async Task AwaitTerminationAsync(CancellationToken cancellationToken = default)
    {
        while (!await AwaitTerminationAsync(TimeSpan.FromSeconds(10)))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/>; true when the query has ended. Throws if it failed.</summary>
    /// <exception cref="StreamingQueryException">The query failed.</exception>
    public async Task<bool> AwaitTerminationAsync(TimeSpan timeout)
    {
        var info = await _coordinator.AwaitTerminationAsync(timeout);
        if (info.RunId != RunId)
        {
            return true;
        }
        return info.State switch
        {
            QueryState.Active => false,
            QueryState.Failed => throw new StreamingQueryException(info.Error ?? "the query failed"),
            _ => true,
        };
    }

    /// <summary>The last batch's progress (Spark's <c>lastProgress</c>); null before the first batch.</summary>
    public Task<QueryProgress?> LastProgressAsync() => _coordinator.GetLastProgressAsync();

    /// <summary>The recent batches' progress, oldest first (Spark's <c>recentProgress</c>).</summary>
    public Task<IReadOnlyList<QueryProgress>> RecentProgressAsync() => _coordinator.GetRecentProgressAsync();

    /// <summary>The failure that ended the query (Spark's <c>exception</c>); null if it has not failed.</summary>
    public async Task<StreamingQueryException?> ExceptionAsync()
    {
        var info = await StatusAsync();
        return info.State == QueryState.Failed && info.RunId == RunId ? new StreamingQueryException(info.Error ?? "the query failed") : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"StreamingQuery {Name} [id = {Id}, runId = {RunId}]";
}
