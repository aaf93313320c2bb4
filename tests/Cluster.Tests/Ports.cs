namespace Sluice.ClusterTests;

internal static class Ports
{
    /// <summary>A loopback port that was free a moment ago, from below the ephemeral range.</summary>
    public static int Free() => Sluice.Cli.Scenarios.FreePorts.Next();
}
