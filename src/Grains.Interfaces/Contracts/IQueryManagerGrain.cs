using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>The registry of queries (one per cluster, key 0): start, stop, list.</summary>
[Alias("sluice.query-manager")]
public interface IQueryManagerGrain : IGrainWithIntegerKey
{
    /// <summary>Validates the spec (types, output mode, checkpoint), then starts the query. Fails with a
    /// <see cref="QueryStartException"/> that names the problem and the fix.</summary>
    Task<QueryInfo> StartAsync(QuerySpec spec);

    Task StopAsync(string name);

    /// <summary>The active queries.</summary>
    Task<IReadOnlyList<QueryInfo>> ListAsync();

    /// <summary>Every query known to the cluster, active and ended, by name.</summary>
    Task<IReadOnlyList<QueryInfo>> ListAllAsync();

    /// <summary>Stops the query if it runs, then starts it again with the spec it was last started with.</summary>
    Task<QueryInfo> RestartAsync(string name);

    /// <summary>A query by name, active or ended in this cluster's lifetime; null when unknown.</summary>
    Task<QueryInfo?> FindAsync(string name);

    /// <summary>The Kafka bootstrap servers the silo's sources use by default (its embedded broker in embedded mode); null if none.</summary>
    Task<string?> GetKafkaBootstrapServersAsync();

    /// <summary>
    /// Runs the watchdog's check now: restarts every query that should run but whose coordinator has no live run.
    /// Silos call it when the cluster declares a silo dead (the call also reactivates the manager if it died there).
    /// </summary>
    Task CheckQueriesNowAsync();

    /// <summary>Called by a coordinator when its run ends.</summary>
    [Orleans.Concurrency.OneWay]
    Task OnTerminatedAsync(QueryInfo info);
}
