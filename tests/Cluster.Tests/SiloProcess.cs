using System.Diagnostics;
using System.Globalization;

namespace Sluice.ClusterTests;

/// <summary>
/// One silo in cluster mode as a process of its own (<c>dotnet Sluice.Silo.dll</c> from this build), so a test can
/// kill it the way a machine dies. Its output goes to <see cref="LogPath"/>.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    /// <summary>Every test silo's API key: cluster mode refuses to start without one.</summary>
    public static readonly string ApiKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    private static readonly HttpClient Http = CreateHttpClient();

    private readonly Process _process;
    private readonly StreamWriter _log;

    private SiloProcess(int index, int siloPort, int gatewayPort, int httpPort, string logPath, Process process, StreamWriter log)
    {
        Index = index;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        LogPath = logPath;
        _process = process;
        _log = log;
    }

    public int Index { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public string LogPath { get; }

    /// <summary>The entry assembly this process runs.</summary>
    public string BuildName { get; private init; } = Build;

    public bool IsRunning => !_process.HasExited;

    /// <summary>The silo of this build.</summary>
    public const string Build = "Sluice.Silo.dll";

    /// <summary>The rolling-upgrade test's other build (tests/UpgradedSilo): the same silo, a different start-up line.</summary>
    public const string UpgradedBuild = "Sluice.Silo.Upgraded.dll";

    /// <param name="environment">More environment variables, e.g. a connection string passed as a secret would be.</param>
    /// <param name="build">Which build's entry assembly to run: <see cref="Build"/> or <see cref="UpgradedBuild"/>.</param>
    public static SiloProcess Start(int index, string folder, IEnumerable<string> clusterArgs, IReadOnlyDictionary<string, string>? environment = null, string build = Build)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, build);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: Cluster.Tests references src/Silo so that its build copies the silo there.");
        }
        int siloPort = Ports.Free(), gatewayPort = Ports.Free(), httpPort = Ports.Free();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in clusterArgs)
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add(Invariant($"--Silo:SiloPort={siloPort}"));
        start.ArgumentList.Add(Invariant($"--Silo:GatewayPort={gatewayPort}"));
        start.ArgumentList.Add("--Http:Host=127.0.0.1");
        start.ArgumentList.Add(Invariant($"--Http:Port={httpPort}"));
        // From the environment, as deploy/ passes it from a secret, not on the command line where `ps` shows it.
        start.Environment["Http__ApiKeys__0"] = ApiKey;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var logPath = Path.Combine(folder, Invariant($"silo{index}.log"));
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(index, siloPort, gatewayPort, httpPort, logPath, process, log) { BuildName = build };
    }

    /// <summary>Waits until the silo's HTTP API answers, which needs the silo up and in the cluster.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // Let the output readers drain, so the tail holds the silo's last words.
                _process.WaitForExit();
                throw new InvalidOperationException($"silo {Index} exited with code {_process.ExitCode} while starting:\n{Tail(150)}");
            }
            try
            {
                using var response = await Http.GetAsync(Invariant($"http://127.0.0.1:{HttpPort}/api/queries"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"silo {Index} did not answer GET /api/queries within {timeout.TotalSeconds} s:\n{Tail()}");
    }

    /// <summary>A client of the silos' HTTP endpoints that sends <see cref="ApiKey"/>.</summary>
    public static HttpClient CreateHttpClient()
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return http;
    }

    /// <summary>Kills the process at once, as a crash would: no graceful shutdown, no leaving the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>
    /// Stops the silo the way Kubernetes or systemd does (SIGTERM): it leaves the cluster gracefully, its queries stop
    /// after their batch in flight and resume on the other silos. Waits for the process to exit.
    /// </summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })!)
        {
            await kill.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"silo {Index} did not stop within {timeout.TotalSeconds} s of SIGTERM:\n{Tail()}");
        }
    }

    /// <summary>The end of the silo's output, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        lock (_log)
        {
            _log.Flush();
        }
        using var reader = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var all = new StreamReader(reader).ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after the test disposed the silo.
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
