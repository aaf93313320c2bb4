using Microsoft.Extensions.Hosting;
using Sluice.Silo.Hosting;

// The "new build" of a rolling upgrade: the silo as src/Silo builds it, announcing itself first so the test sees which
// build each silo process runs.
Console.WriteLine(UpgradedSilo.Banner);
var host = SluiceHost.CreateBuilder(args).Build();
await host.RunAsync();

/// <summary>What this build prints first.</summary>
internal static class UpgradedSilo
{
    public const string Banner = "Sluice silo, upgraded build (rolling-upgrade test)";
}
