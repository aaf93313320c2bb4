using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Sluice.Cli.Scenarios;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Queries;
using Sluice.Silo.Hosting;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// The query manager's registry writes when grain storage fails, as Redis's did in the cluster tests: a write that landed
/// but whose reply was lost must not leave the manager failing every later write on a stale ETag, and a store that keeps
/// failing gives a clear error.
/// </summary>
public sealed class QueryRegistryWriteFaultTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-registry-faults", Guid.NewGuid().ToString("N"));
    private IHost? _host;
    private SluiceClient _client = null!;
    private LostReplyGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        var builder = SluiceHost.CreateBuilder(OwnSiloArgs.With("--Kafka:Embedded=false", $"--Sluice:CheckpointRoot={_root}"));
        // Registered after the silo's memory storage: the last registration of the default name is the one grains get.
        builder.Services.AddKeyedSingleton<IGrainStorage>(
            ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (services, _) => new LostReplyGrainStorage(services.GetRequiredService<Serializer>()));
        _host = builder.Build();
        await _host.StartAsync();
        _storage = (LostReplyGrainStorage)_host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        _client = new SluiceClient(_host.Services.GetRequiredService<IClusterClient>());
    }

    private Task<StreamingQuery> StartAsync(string name) =>
        _client.ReadStream().Memory("in_" + name).Schema(("id", "int")).Load().WriteStream().Trigger(Trigger.Manual()).StartAsync(name);

    private RegisteredQuery? Registered(string name)
    {
        var manager = _host!.Services.GetRequiredService<IGrainFactory>().GetGrain<IQueryManagerGrain>(0).GetGrainId();
        return _storage.Stored<QueryRegistryState>(manager)?.Queries.GetValueOrDefault(name);
    }

    [Fact]
    public async Task StartThenStop_WhenTheStartsWriteLandsButItsReplyIsLost_BothSucceedAndTheRegistryHoldsTheEnd()
    {
        _storage.FailNextWrites(1, landed: true);

        var query = await StartAsync("lost_reply");
        Assert.True(await query.IsActiveAsync());
        Assert.True(Registered("lost_reply")?.ShouldRun);
        // The ETag the failed write left behind is stale: the stop's write must not fail on it.
        await query.StopAsync();

        Assert.False(await query.IsActiveAsync());
        Assert.False(Registered("lost_reply")?.ShouldRun);
    }

    [Fact]
    public async Task Start_WhenEveryWriteFails_IsRefusedWithAClearError_AndTheQueryIsStoppedAgain()
    {
        _storage.FailNextWrites(StateWrites.Attempts, landed: false);

        var e = await Assert.ThrowsAsync<QueryStartException>(() => StartAsync("store_down"));

        Assert.StartsWith(
            "Cannot start query store_down: The query registry could not save query store_down in the cluster's grain storage (3 attempts",
            e.Message, StringComparison.Ordinal);
        Assert.Contains("Reading is not allowed after reader was completed.", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("The query was stopped again; check that the cluster store (Redis or Azure Storage) is reachable, then start it again.", e.Message, StringComparison.Ordinal);
        Assert.False(await (await _client.GetQueryAsync("store_down"))!.IsActiveAsync());
        Assert.Null(Registered("store_down"));
        // The store answers again: the same start succeeds.
        var query = await StartAsync("store_down");
        Assert.True(await query.IsActiveAsync());
        Assert.True(Registered("store_down")?.ShouldRun);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
