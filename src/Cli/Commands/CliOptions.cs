using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CliOptions
{
    public static Option<string> Silo() => new("--silo")
    {
        Description = "The silo's gateway, host:port",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_SILO") ?? "localhost:30000",
    };
}
