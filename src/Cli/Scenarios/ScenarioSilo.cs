using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Client;
using Sluice.Silo.Hosting;

namespace Sluice.Cli.Scenarios;

/// <summary>An in-process silo for scenarios: a manual clock at 0 ms, no Kafka, checkpoints in a temp folder.</summary>
internal sealed class ScenarioSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<IDisposable> _untilEnd = [];

    private ScenarioSilo(IHost host, ManualClock clock, string checkpointRoot)
    {
        _host = host;
        Clock = clock;
        CheckpointRoot = checkpointRoot;
        Client = new SluiceClient(host.Services.GetRequiredService<IClusterClient>());
    }

    public ManualClock Clock { get; }

    public SluiceClient Client { get; }

    public string CheckpointRoot { get; }

    /// <summary>Starts a silo on free ports; <paramref name="settings"/> are more <c>--Section:Key=value</c> arguments.</summary>
    public static async Task<ScenarioSilo> StartAsync(params string[] settings)
    {
        var clock = new ManualClock();
        var root = Path.Combine(Path.GetTempPath(), "sluice-scenarios", Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--quiet",
            $"--Silo:SiloPort={FreePort()}",
            $"--Silo:GatewayPort={FreePort()}",
            $"--Http:Port={FreePort()}",
            "--Kafka:Embedded=false",
            $"--Sluice:CheckpointRoot={root}",
            "--Logging:LogLevel:Default=Error",
            "--Logging:LogLevel:Sluice=Error",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Error",
            .. settings,
        ];
        var host = SluiceHost.CreateBuilder(args, clock).Build();
        await host.StartAsync();
        return new ScenarioSilo(host, clock, root);
    }

    public static int FreePort() => FreePorts.Next();

    /// <summary>
    /// Disposes <paramref name="resource"/> when the run ends: a scenario's Kafka broker outlives its scenario, since
    /// the silo's clients of it (a sink's producer, the offset committer) stay until the silo stops and would retry a
    /// closed port for the rest of the run.
    /// </summary>
    public void DisposeAtEnd(IDisposable resource) => _untilEnd.Add(resource);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        foreach (var resource in _untilEnd)
        {
            resource.Dispose();
        }
        try
        {
            Directory.Delete(CheckpointRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
