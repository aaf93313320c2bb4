using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Planning;
using Sluice.Sinks;
using Sluice.Security;
using Sluice.Spec;

namespace Sluice.Queries;

/// <summary>
/// The registry of queries: validates and starts them (one active query per name, one per checkpoint),
/// stops them, lists them, and remembers how ended ones ended.
/// </summary>
[KeepAlive]
[GrainType("sluice.query-manager")]
internal sealed partial class QueryManagerGrain(
    [PersistentState("queries")] IPersistentState<QueryRegistryState> registry,
    IOptions<SluiceOptions> options,
    ConnectorRegistry connectors,
    ILogger<QueryManagerGrain> logger) : Grain, IQueryManagerGrain
{
    private readonly IPersistentState<QueryRegistryState> _registry = registry;

    private readonly Dictionary<string, QueryInfo> _queries = new(StringComparer.Ordinal);

    public async Task<QueryInfo> StartAsync(QuerySpec spec)
    {
        SpecGuard.CheckName(spec.Name);
        var guard = new SpecGuard(options.Value, connectors);
        guard.CheckSize(spec);
        if (_queries.TryGetValue(spec.Name, out var existing) && existing.IsActive)
        {
            // The termination notice is one-way and may still be on its way: ask the coordinator itself.
            existing = _queries[spec.Name] = await GrainFactory.GetGrain<IBatchCoordinatorGrain>(existing.Id).GetInfoAsync();
        }
        if (existing is { IsActive: true })
        {
            throw new QueryStartException(
                $"Cannot start query with name {spec.Name} as a query with that name is already active (id {existing.Id}, runId {existing.RunId}). " +
                "Stop it first, or give the new query another name.");
        }
        (spec, var checkpointPath) = await ConfineAsync(guard, spec);
        var plan = QueryPlanner.Plan(spec, connectors);
        _ = CheckpointRetention.MinBatchesToRetainOf(spec); // refused before the checkpoint is created
        var checkpoint = new Checkpoint(CheckpointLocations.Open(checkpointPath, options.Value.Blob, options.Value.S3));
        var (metadata, isNew) = await checkpoint.LoadOrCreateMetadataAsync(spec.Name, KeyGroups(spec));
        if (!isNew && spec.Options.ContainsKey(SpecOptions.KeyGroups) && KeyGroups(spec) != metadata.KeyGroups)
        {
            throw new QueryStartException(
                $"The query asks for {KeyGroups(spec)} key groups but its checkpoint '{checkpointPath}' was created with {metadata.KeyGroups}; " +
                "key groups are fixed per checkpoint (state is split by them). Remove the keyGroups option, or start on a new checkpointLocation.");
        }
        var owner = _queries.Values.FirstOrDefault(q => q.IsActive && q.Id == metadata.Id);
        if (owner is not null)
        {
            throw new QueryStartException(
                $"Checkpoint '{checkpointPath}' is in use by the active query '{owner.Name}' (runId {owner.RunId}). " +
                "Stop that query first, or give this one another checkpointLocation.");
        }
        if (isNew)
        {
            await ResetMemorySinksAsync(spec);
        }
        var runId = Guid.NewGuid();
        var coordinator = GrainFactory.GetGrain<IBatchCoordinatorGrain>(metadata.Id);
        await coordinator.StartAsync(spec, runId, checkpointPath);
        var info = await coordinator.GetInfoAsync();
        _queries[spec.Name] = info;
        try
        {
            await RememberAsync(spec, info.Id, shouldRun: true);
        }
        catch (OrleansException e)
        {
            // A query the registry does not hold would not be restarted after a silo failure: stop it rather than leave it so.
            await coordinator.StopAsync();
            _queries[spec.Name] = await coordinator.GetInfoAsync();
            _registry.State.Queries.GetValueOrDefault(spec.Name)?.ShouldRun = false;
            throw new QueryStartException(
                $"Cannot start query {spec.Name}: {e.Message} The query was stopped again; check that the cluster store " +
                "(Redis or Azure Storage) is reachable, then start it again.");
        }
        LogStarted(logger, spec.Name, metadata.Id, runId, checkpointPath, plan.OutputSchema.Describe());
        return info;
    }

    public async Task StopAsync(string name)
    {
        if (!_queries.TryGetValue(name, out var info))
        {
            // A manager reactivated after its silo died may not have heard of a query running elsewhere yet: the registry has.
            info = _registry.State.Queries.TryGetValue(name, out var registered) && registered.ShouldRun
                ? await GrainFactory.GetGrain<IBatchCoordinatorGrain>(registered.QueryId).GetInfoAsync()
                : throw new KeyNotFoundException($"No query named '{name}'. Active queries: {string.Join(", ", _queries.Values.Where(q => q.IsActive).Select(q => q.Name))}");
        }
        var coordinator = GrainFactory.GetGrain<IBatchCoordinatorGrain>(info.Id);
        await coordinator.StopAsync();
        _queries[name] = await coordinator.GetInfoAsync();
        await MarkEndedAsync(name);
    }

    public async Task<IReadOnlyList<QueryInfo>> ListAsync()
    {
        var active = new List<QueryInfo>();
        foreach (var info in _queries.Values.Where(q => q.IsActive).ToList())
        {
            var current = await GrainFactory.GetGrain<IBatchCoordinatorGrain>(info.Id).GetInfoAsync();
            _queries[info.Name] = current;
            if (current.IsActive)
            {
                active.Add(current);
            }
        }
        return active.OrderBy(q => q.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<QueryInfo>> ListAllAsync()
    {
        await ListAsync();
        return _queries.Values.OrderBy(q => q.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<QueryInfo> RestartAsync(string name)
    {
        var spec = _registry.State.Queries.TryGetValue(name, out var registered)
            ? SpecReader.Read(registered.SpecJson)
            : throw new KeyNotFoundException($"No query named '{name}' has been started on this cluster.");
        if (_queries.TryGetValue(name, out var info) && info.IsActive)
        {
            await StopAsync(name);
        }
        return await StartAsync(spec);
    }

    public async Task<QueryInfo?> FindAsync(string name)
    {
        if (!_queries.TryGetValue(name, out var info))
        {
            return null;
        }
        return info.IsActive ? await GrainFactory.GetGrain<IBatchCoordinatorGrain>(info.Id).GetInfoAsync() : info;
    }

    public Task<string?> GetKafkaBootstrapServersAsync() => Task.FromResult(options.Value.KafkaBootstrapServers);

    public async Task OnTerminatedAsync(QueryInfo info)
    {
        if (_queries.TryGetValue(info.Name, out var known) && known.RunId == info.RunId)
        {
            _queries[info.Name] = info;
            // A run that ended on its own (completed, failed, stopped) is not restarted by the watchdog.
            await MarkEndedAsync(info.Name);
        }
    }

    /// <summary>
    /// A new checkpoint starts at batch 0: sinks keyed by name (memory, and the late-rows sink) forget the
    /// batches a query of the same name committed before, or they would take the new batches for replays and drop them.
    /// </summary>
    private async Task ResetMemorySinksAsync(QuerySpec spec)
    {
        await connectors.Sink(spec.Sink.Kind).OnNewCheckpointAsync(GrainFactory, spec.Sink, spec.Name);
        if (LateRows.SinkName(spec) is { } lateSink)
        {
            await ConnectorRegistry.MemorySink(GrainFactory, lateSink).ResetAsync();
        }
    }

    /// <summary>
    /// The active-query limit and what the spec may reach (<see cref="SpecGuard"/>), before anything reads or writes:
    /// planning loads table files, and the checkpoint is created right after.
    /// </summary>
    private async Task<(QuerySpec Spec, string CheckpointPath)> ConfineAsync(SpecGuard guard, QuerySpec spec)
    {
        if (ActiveOthers(spec.Name) >= options.Value.Limits.MaxActiveQueries)
        {
            // Termination notices are one-way: count again from the coordinators before refusing.
            await ListAsync();
            guard.CheckActiveQueries(spec.Name, ActiveOthers(spec.Name));
        }
        return guard.Confine(spec);
    }

    private int ActiveOthers(string name) => _queries.Values.Count(q => q.IsActive && q.Name != name);

    private static int KeyGroups(QuerySpec spec)
    {
        if (!spec.Options.TryGetValue(SpecOptions.KeyGroups, out var text))
        {
            return CheckpointMetadataFormat.DefaultKeyGroups;
        }
        return int.TryParse(text, out var n) && n > 0
            ? n
            : throw new QueryStartException(new SpecException("$.options.keyGroups", $"expected a positive whole number, found '{text}'").Message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started query {QueryName} [id {QueryId}, runId {RunId}] on checkpoint {Checkpoint}; output {Schema}")]
    private static partial void LogStarted(ILogger logger, string queryName, Guid queryId, Guid runId, string checkpoint, string schema);
}
