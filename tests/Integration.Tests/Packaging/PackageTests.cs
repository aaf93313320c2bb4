using System.Text;
using Sluice.Cli.Scenarios;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests.Packaging;

/// <summary>
/// The path a new user takes, on packages only: pack Sluice into a local feed, install the templates, create a silo
/// host and a processor project with <c>dotnet new</c>, write a console app that references <c>Sluice.Client</c>,
/// build them against the feed (no project references into this repository), run the processor's tests, start the
/// silo, run a typed windowed query and a typed processor from the console app, and read the rows with the
/// <c>sluice</c> tool installed from the feed. Packages get a version of their own, removed from the global
/// packages folder afterwards. One test, so the packing is paid once.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(12);

    [Fact]
    public async Task Packages_FromDotnetNewToATypedWindowedQuery_WithoutProjectReferences()
    {
        var repo = RepositoryRoot();
        var work = Path.Combine(Path.GetTempPath(), "sluice-packages", Guid.NewGuid().ToString("N")[..8]);
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000, 9999)}";
        var (feed, hive, apps) = (Path.Combine(work, "feed"), Path.Combine(work, "hive"), Path.Combine(work, "apps"));
        Directory.CreateDirectory(apps);
        try
        {
            await PackAsync(repo, work, feed, version);
            await CreateAppsAsync(apps, feed, hive, version);
            var built = await DotnetRunner.RunAsync(apps, Long, "build", "Apps.slnx", "-c", "Release");
            output.WriteLine(built[^Math.Min(built.Length, 400)..]);
            var tested = await DotnetRunner.RunAsync(apps, Long, "test", "DemoProcessors/DemoProcessors.Tests", "-c", "Release", "--no-build");
            Assert.Contains("Passed!", tested, StringComparison.Ordinal);
            await RunEndToEndAsync(apps, work, feed, version);
        }
        finally
        {
            RemoveFromGlobalPackages(version);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A process still closing its files: the temp folder is cleared later anyway.
            }
        }
    }

    private async Task PackAsync(string repo, string work, string feed, string version)
    {
        var artifacts = Path.Combine(work, "artifacts");
        foreach (var project in new[] { "packaging/Sluice.Packages.slnf", "templates/Sluice.Templates.csproj" })
        {
            await DotnetRunner.RunAsync(repo, Long, "pack", project, "-c", "Release", "-o", feed, $"-p:Version={version}", "--artifacts-path", artifacts);
        }
        Assert.Equal(
            ["Sluice.Cli", "Sluice.Client", "Sluice.Grains.Interfaces", "Sluice.Hosting", "Sluice.Templates"],
            Directory.GetFiles(feed, "*.nupkg").Select(f => Path.GetFileName(f)[..^$".{version}.nupkg".Length]).Order());
    }

    private static async Task CreateAppsAsync(string apps, string feed, string hive, string version)
    {
        await File.WriteAllTextAsync(Path.Combine(apps, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sluice-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await DotnetRunner.RunAsync(apps, Long, "new", "install", Path.Combine(feed, $"Sluice.Templates.{version}.nupkg"), "--debug:custom-hive", hive);
        await DotnetRunner.RunAsync(apps, Long, "new", "sluice-silo", "-n", "DemoSilo", "-o", "DemoSilo", "--debug:custom-hive", hive);
        await DotnetRunner.RunAsync(apps, Long, "new", "sluice-processor", "-n", "DemoProcessors", "-o", "DemoProcessors", "--debug:custom-hive", hive);
        await DotnetRunner.RunAsync(apps, Long, "add", "DemoSilo", "reference", "DemoProcessors/DemoProcessors/DemoProcessors.csproj");

        var client = Path.Combine(apps, "DemoClient");
        Directory.CreateDirectory(client);
        await File.WriteAllTextAsync(Path.Combine(client, "DemoClient.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Sluice.Client" Version="{version}" />
                <ProjectReference Include="../DemoProcessors/DemoProcessors/DemoProcessors.csproj" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(client, "Program.cs"), ClientProgram);
        await File.WriteAllTextAsync(Path.Combine(apps, "Apps.slnx"), """
            <Solution>
              <Project Path="DemoSilo/DemoSilo.csproj" />
              <Project Path="DemoProcessors/DemoProcessors/DemoProcessors.csproj" />
              <Project Path="DemoProcessors/DemoProcessors.Tests/DemoProcessors.Tests.csproj" />
              <Project Path="DemoClient/DemoClient.csproj" />
            </Solution>
            """);
    }

    /// <summary>The README's path: a typed windowed query and a typed processor, results printed typed.</summary>
    private const string ClientProgram = """
        using DemoProcessors;
        using Sluice.Client;
        using Sluice.Client.Typed;

        await using var sluice = await SluiceClient.ConnectAsync(args[0]);
        var t0 = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        await sluice.AddDataAsync("purchases",
            new Purchase("u1", 10.0, t0.AddMinutes(1)), new Purchase("u2", 4.5, t0.AddMinutes(2)),
            new Purchase("u1", 2.5, t0.AddMinutes(3)), new Purchase("u1", 1.0, t0.AddMinutes(20)));

        var purchases = sluice.ReadStream().Memory("purchases").Load<Purchase>()
            .WithWatermark(p => p.EventTime, TimeSpan.FromSeconds(30));
        var revenue = purchases
            .GroupBy(p => new { Window = Functions.Window(p.EventTime, TimeSpan.FromMinutes(5)), p.UserId })
            .Agg(g => new { Total = g.Sum(p => p.Amount), Purchases = g.Count() });
        var totals = purchases.FlatMapGroupsWithState(p => p.UserId, new RunningTotal(), GroupStateTimeout.EventTime);

        var queries = new[]
        {
            await revenue.WriteStream().OutputMode("append").Trigger(Trigger.AvailableNow()).StartAsync("revenue"),
            await totals.WriteStream().OutputMode("update").Trigger(Trigger.AvailableNow()).StartAsync("totals"),
        };
        foreach (var query in queries)
        {
            await query.AwaitTerminationAsync();
        }
        foreach (var row in (await revenue.ReadMemorySinkAsync("revenue")).OrderBy(r => r.Key.Window.Start).ThenBy(r => r.Key.UserId))
        {
            Console.WriteLine($"revenue {row.Key.Window.Start:HH:mm}-{row.Key.Window.End:HH:mm} {row.Key.UserId} {row.Value.Total} {row.Value.Purchases}");
        }
        foreach (var row in (await totals.ReadMemorySinkAsync("totals")).OrderBy(r => r.UserId))
        {
            Console.WriteLine($"total {row.UserId} {row.Purchases} {row.Amount}");
        }
        """;

    private async Task RunEndToEndAsync(string apps, string work, string feed, string version)
    {
        var gateway = FreePorts.Next();
        var siloLog = new StringBuilder();
        using var silo = DotnetRunner.StartBackground(apps, siloLog, "DemoSilo/bin/Release/net10.0/DemoSilo.dll",
            $"--Silo:SiloPort={FreePorts.Next()}", $"--Silo:GatewayPort={gateway}", $"--Sluice:CheckpointRoot={Path.Combine(work, "checkpoints")}");
        try
        {
            using (var ready = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            {
                while (!DotnetRunner.Text(siloLog).Contains("Sluice silo ready", StringComparison.Ordinal))
                {
                    Assert.False(silo.HasExited, $"The silo exited ({(silo.HasExited ? silo.ExitCode : 0)}):\n{DotnetRunner.Text(siloLog)}");
                    await Task.Delay(200, ready.Token);
                }
            }
            var printed = await DotnetRunner.RunAsync(apps, Long, "DemoClient/bin/Release/net10.0/DemoClient.dll", $"127.0.0.1:{gateway}");
            Assert.Equal(
                ["revenue 12:00-12:05 u1 12.5 2", "revenue 12:00-12:05 u2 4.5 1", "total u1 3 13.5", "total u2 1 4.5"],
                printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            var tools = Path.Combine(work, "tools");
            await DotnetRunner.RunAsync(apps, Long, "tool", "install", "Sluice.Cli", "--version", version, "--tool-path", tools, "--add-source", feed);
            var read = await DotnetRunner.RunProgramAsync(Path.Combine(tools, "sluice"), apps, Long, "read", "totals", "--silo", $"127.0.0.1:{gateway}");
            output.WriteLine(read);
            Assert.Contains("|user_id|purchases|amount|", read, StringComparison.Ordinal);
            Assert.Contains("|     u1|        3|  13.5|", read, StringComparison.Ordinal);
        }
        finally
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
    }

    private static void RemoveFromGlobalPackages(string version)
    {
        var global = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } g ? g
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "sluice.client", "sluice.hosting", "sluice.grains.interfaces", "sluice.cli", "sluice.templates" })
        {
            var folder = Path.Combine(global, id, version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            if (Directory.Exists(Path.GetDirectoryName(folder)) && !Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(folder)!).Any())
            {
                Directory.Delete(Path.GetDirectoryName(folder)!);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>Packing and building take the machine's cores for minutes: run alone, not beside timing-sensitive silo tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection
{
    public const string Name = "packaging";
}
