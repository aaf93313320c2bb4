using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Client;
using Sluice.Silo.Hosting;
using Sluice.Silo.Http;

namespace Sluice.BrowserTests;

/// <summary>
/// A real silo in this process running the demo queries over the embedded Kafka, plus <see cref="LateQuery"/>: a
/// windowed count on a memory source whose second row arrives behind the watermark, so the UI has a
/// <c>droppedByWatermark</c> alert to show. Ready once the demo queries have progress to chart. No key is configured,
/// so the silo generates one, as the demo does.
/// </summary>
public sealed class UiSilo : IAsyncLifetime
{
    public const string LateQuery = "late_demo";

    /// <summary>The demo queries <c>--demo</c> starts (src/Silo/Demo/DemoQueries.cs).</summary>
    public static readonly string[] DemoQueries = ["purchases", "purchases_console", "events_per_user", "revenue_per_product", "deduped_revenue_per_product", "sessions"];

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(40);

    private IHost? _host;

    public int HttpPort { get; } = FreePort();

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The key the silo generated at start, as <c>dotnet run --project src/Silo -- --demo</c> does and prints.</summary>
    public string ApiKey { get; private set; } = "";

    private string CheckpointRoot { get; } = Path.Combine(Path.GetTempPath(), "sluice-ui", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--quiet",
            "--demo",
            "--Demo:EventsPerSecond=200",
            $"--Silo:SiloPort={FreePort()}",
            $"--Silo:GatewayPort={FreePort()}",
            "--Http:Host=127.0.0.1",
            $"--Http:Port={HttpPort}",
            $"--Sluice:CheckpointRoot={CheckpointRoot}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Sluice=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
        ];
        _host = SluiceHost.CreateBuilder(args).Build();
        await _host.StartAsync();
        ApiKey = _host.Services.GetRequiredService<HttpApiKeys>().GeneratedKey
            ?? throw new InvalidOperationException("The silo generated no API key: embedded mode on loopback should have.");
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

        await StartLateQueryAsync(new SluiceClient(_host.Services.GetRequiredService<IClusterClient>()));
        await WaitUntilAsync("a droppedByWatermark alert on late_demo", async () =>
            (await GetJsonAsync($"/api/queries/{LateQuery}/alerts")).AsArray().Any(a => (string?)a!["kind"] == "droppedByWatermark"));
        // Two batches draw a line; events_per_user's state makes the state charts non-empty too.
        await WaitUntilAsync("two progress reports of purchases and of events_per_user", async () =>
            (await GetJsonAsync("/api/queries/purchases/progress")).AsArray().Count >= 2
            && (await GetJsonAsync("/api/queries/events_per_user/progress")).AsArray().Count(p => p!["stateOperators"]!.AsArray().Count > 0) >= 2);
    }

    private static async Task StartLateQueryAsync(SluiceClient client)
    {
        var query = await client.ReadStream().Memory("late-src").Schema(("id", "int"), ("ts", "timestamp")).Load()
            .WithWatermark("ts", "5 seconds")
            .GroupBy(["window(ts, '10 seconds') AS window"], ["count(*) AS count"])
            .WriteStream().OutputMode("append").Trigger(Trigger.Manual())
            .StartAsync(LateQuery);
        await client.AddDataAsync("late-src", new { id = 1, ts = "1970-01-01T00:00:30Z" });
        await query.ProcessAllAvailableAsync();
        // The watermark is now 00:00:25, so a row at 00:00:01 is late and dropped.
        await client.AddDataAsync("late-src", new { id = 2, ts = "1970-01-01T00:00:01Z" });
        await query.ProcessAllAvailableAsync();
    }

    public async Task<JsonNode> GetJsonAsync(string path) =>
        JsonNode.Parse(await Http.GetStringAsync(new Uri(path, UriKind.Relative))) ?? throw new InvalidOperationException($"GET {path} returned null");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after the timeout.</summary>
    private static async Task WaitUntilAsync(string what, Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        Exception? last = null;
        while (!timeout.IsCancellationRequested)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e; // 404 until the demo query exists.
            }
            await Task.Delay(200, CancellationToken.None);
        }
        throw new TimeoutException($"No {what} within {ReadyTimeout.TotalSeconds} s. Last error: {last?.Message ?? "none"}");
    }

    private static int FreePort() => Sluice.Cli.Scenarios.FreePorts.Next();

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (Directory.Exists(CheckpointRoot))
        {
            Directory.Delete(CheckpointRoot, recursive: true);
        }
    }
}
