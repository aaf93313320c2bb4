using System.Diagnostics;
using System.Net.Http;
using Sluice.Cli.Scenarios;

namespace Sluice.IntegrationTests.Faults;

/// <summary>A silo in its own process (built from src/Silo), so a test can kill it like a machine that loses power.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _log = new();

    private SiloProcess(Process process, int gatewayPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int GatewayPort { get; }

    /// <summary>The silos' API key, so the readiness check below can read <c>/api/queries</c>.</summary>
    private static readonly string ApiKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<SiloProcess> StartAsync(string bootstrapServers, string checkpointRoot, string? fault)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(bootstrapServers, checkpointRoot, fault);
            }
            catch (PortTakenException) when (attempt < 3)
            {
                // Another process bound one of the chosen ports between the check and the silo's bind: take new ones.
            }
        }
    }

    private static async Task<SiloProcess> StartOnceAsync(string bootstrapServers, string checkpointRoot, string? fault)
    {
        var (gateway, http) = (ScenarioSilo.FreePort(), ScenarioSilo.FreePort());
        var start = new ProcessStartInfo("dotnet", [SiloDll(), "--quiet", $"--Silo:SiloPort={ScenarioSilo.FreePort()}", $"--Silo:GatewayPort={gateway}",
            $"--Http:Port={http}", $"--Kafka:BootstrapServers={bootstrapServers}", $"--Sluice:CheckpointRoot={checkpointRoot}", "--Logging:LogLevel:Default=Warning"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Http__ApiKeys__0"] = ApiKey;
        if (fault is not null)
        {
            start.Environment[Diagnostics.FaultInjection.Variable] = fault;
        }
        var silo = new SiloProcess(Process.Start(start)!, gateway);
        using var http0 = new HttpClient();
        http0.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http0.GetAsync($"http://127.0.0.1:{http}/api/queries")).IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !silo._process.HasExited)
            {
                await Task.Delay(200);
                continue;
            }
            catch (HttpRequestException)
            {
                // Ended or out of time: the silo's own output says why, below.
            }
            var ended = silo._process.HasExited;
            if (ended)
            {
                await silo._process.WaitForExitAsync(); // the rest of its output
            }
            var why = $"the silo process did not start ({(ended ? $"it exited with code {silo._process.ExitCode}" : "no answer in 60 s")}): {silo.Log}";
            await silo.DisposeAsync();
            if (ended && silo.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new PortTakenException(why);
            }
            throw new InvalidOperationException(why);
        }
    }

    /// <summary>Waits for the process to end on its own (the fault switch killed it).</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    /// <summary>src/Silo/bin/&lt;configuration&gt;/net10.0/Sluice.Silo.dll of this repository, built with the tests.</summary>
    private static string SiloDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
        {
            dir = dir.Parent;
        }
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(dir?.FullName ?? ".", "src", "Silo", "bin", configuration, "net10.0", "Sluice.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the silo first: {dll} is missing");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private sealed class PortTakenException(string message) : Exception(message);
}
