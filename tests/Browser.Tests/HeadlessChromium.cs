using System.Diagnostics;

namespace Sluice.BrowserTests;

/// <summary>
/// Drives the Chromium command line (Debian's <c>chromium</c> package): loads a page, lets its scripts run for a
/// budget of virtual time (which waits for pending fetches), then dumps the DOM or takes a screenshot. Each run gets
/// a fresh profile directory so runs cannot see each other's state.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Virtual time the page gets to load, fetch from the API and render (the UI polls every 2 s).</summary>
    private const int VirtualTimeBudgetMs = 5000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", $"--virtual-time-budget={VirtualTimeBudgetMs}",
    ];

    /// <summary><c>SLUICE_CHROMIUM</c> when set, else <c>/usr/bin/chromium</c> (scripts/test.sh installs it).</summary>
    public static string Executable => Environment.GetEnvironmentVariable("SLUICE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The page's DOM, serialized after its scripts ran.</summary>
    public static Task<string> DumpDomAsync(string url) => RunAsync(["--window-size=1400,1000", "--dump-dom", url]);

    /// <summary>A PNG of the page's top <paramref name="height"/> pixels.</summary>
    public static async Task ScreenshotAsync(string url, string path, int width = 1400, int height = 1000)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        await RunAsync([$"--window-size={width},{height}", $"--screenshot={path}", url]);
        Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"Chromium wrote no screenshot to {path}");
    }

    private static void DeleteProfile(DirectoryInfo profile)
    {
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium's crash handler can outlive the browser for a moment; a leftover temp profile is harmless.
        }
    }

    private static async Task<string> RunAsync(IEnumerable<string> arguments)
    {
        Assert.True(File.Exists(Executable), $"Chromium not found at {Executable}: install it with `apt-get install -y chromium` (scripts/test.sh does) or set SLUICE_CHROMIUM.");
        var profile = Directory.CreateTempSubdirectory("sluice-chromium-");
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var flag in Flags.Append($"--user-data-dir={profile.FullName}").Concat(arguments))
        {
            start.ArgumentList.Add(flag);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {Timeout.TotalSeconds} s: {await stderr}");
            }
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            DeleteProfile(profile);
        }
    }
}
