using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Cli.Scenarios;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Silo.Hosting;

namespace Sluice.IntegrationTests;

/// <summary>A silo of its own with <c>Sluice:Limits:MaxActiveQueries=2</c>: a third active query is refused until one stops.</summary>
public sealed class ActiveQueryLimitTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-limit", Guid.NewGuid().ToString("N"));
    private IHost? _host;
    private SluiceClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = SluiceHost.CreateBuilder(OwnSiloArgs.With(
            "--Kafka:Embedded=false",
            $"--Sluice:CheckpointRoot={_root}",
            "--Sluice:Limits:MaxActiveQueries=2")).Build();
        await _host.StartAsync();
        _client = new SluiceClient(_host.Services.GetRequiredService<IClusterClient>());
    }

    private Task<StreamingQuery> StartAsync(string name) =>
        _client.ReadStream().Memory("in_" + name).Schema(("id", "int")).Load().WriteStream().Trigger(Trigger.Manual()).StartAsync(name);

    [Fact]
    public async Task ThirdActiveQuery_IsRefusedNamingTheLimit_AndStartsOnceOneStops()
    {
        var first = await StartAsync("first");
        await StartAsync("second");

        var e = await Assert.ThrowsAsync<QueryStartException>(() => StartAsync("third"));

        Assert.Equal("Cannot start query 'third': 2 queries are active, and this cluster allows 2 (Sluice:Limits:MaxActiveQueries). " +
            "Stop a query first, or ask the operator to raise the limit.", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "third")));
        await first.StopAsync();
        await StartAsync("third");
        // Starting an active query's name again is the duplicate-name error, not the limit.
        var again = await Assert.ThrowsAsync<QueryStartException>(() => StartAsync("third"));
        Assert.StartsWith("Cannot start query with name third as a query with that name is already active", again.Message, StringComparison.Ordinal);
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
