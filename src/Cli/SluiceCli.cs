using System.CommandLine;
using Sluice.Cli.Commands;
using Sluice.Cli.Scenarios;

namespace Sluice.Cli;

/// <summary>The `sluice` command tree.</summary>
internal static class SluiceCli
{
    public static RootCommand Build() => new("Sluice: Spark Structured Streaming semantics on Microsoft Orleans")
    {
        QueryCommands.Submit(),
        QueryCommands.List(),
        QueryCommands.Stop(),
        QueryCommands.Progress(),
        ProduceCommand.Create(),
        CheckpointCommands.Create(),
        ScenarioCommand.Create(),
    };
}
