using Sluice.Cli.Scenarios;

namespace Sluice.IntegrationTests;

/// <summary>Command-line settings of a test's own in-process silo: free ports, quiet, warnings only, then the test's own.</summary>
internal static class OwnSiloArgs
{
    public static string[] With(params string[] settings) =>
    [
        "--quiet",
        $"--Silo:SiloPort={ScenarioSilo.FreePort()}",
        $"--Silo:GatewayPort={ScenarioSilo.FreePort()}",
        $"--Http:Port={ScenarioSilo.FreePort()}",
        "--Logging:LogLevel:Default=Warning",
        .. settings,
    ];
}
