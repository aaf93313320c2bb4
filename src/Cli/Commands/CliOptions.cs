using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CliOptions
{
    public static Option<string> Silo() => new("--silo")
    {
        Description = "The silo's gateway, host:port, or several comma-separated",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_SILO") ?? "localhost:30000",
    };

    /// <summary>The silos' <c>Silo:ClusterId</c>: <c>SLUICE_CLUSTER_ID</c>, or the default both modes use.</summary>
    public static string ClusterId() => Environment.GetEnvironmentVariable("SLUICE_CLUSTER_ID") is { Length: > 0 } id ? id : Client.SluiceClient.DefaultClusterId;
}
