using System.Diagnostics;
using System.Text;

namespace Sluice.IntegrationTests.Packaging;

/// <summary>Runs the <c>dotnet</c> CLI (or a built app) as a developer's shell would, with its output kept for the failure message.</summary>
internal static class DotnetRunner
{
    /// <summary>Runs to the end; a non-zero exit fails with the command and its output.</summary>
    public static Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunProgramAsync("dotnet", workingDirectory, timeout, args);

    /// <summary>Runs <paramref name="program"/> (an installed tool) to the end, as <see cref="RunAsync"/>.</summary>
    public static async Task<string> RunProgramAsync(string program, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(program, workingDirectory, args);
        var output = new StringBuilder();
        var reading = Task.WhenAll(Pump(process.StandardOutput, output), Pump(process.StandardError, output));
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {timeout}:\n{Text(output)}");
        }
        await reading;
        return process.ExitCode == 0
            ? Text(output)
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}:\n{Text(output)}");
    }

    /// <summary>Starts a long-running process (a silo); <paramref name="output"/> collects what it prints.</summary>
    public static Process StartBackground(string workingDirectory, StringBuilder output, params string[] args)
    {
        var process = Start("dotnet", workingDirectory, args);
        _ = Pump(process.StandardOutput, output);
        _ = Pump(process.StandardError, output);
        return process;
    }

    public static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static Process Start(string program, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The test runs under `dotnet test`, whose MSBuild settings would steer the child builds; a developer's shell has none.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(key);
        }
        // An installed tool's launcher finds the runtime through DOTNET_ROOT: the one running this test.
        start.Environment.TryAdd("DOTNET_ROOT", Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", "..")));
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
    }

    private static async Task Pump(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
