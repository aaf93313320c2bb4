using System.CommandLine;
using System.CommandLine.Invocation;
using Sluice.Cli.Commands;
using Sluice.Cli.Scenarios;

namespace Sluice.Cli;

/// <summary>The `sluice` command tree.</summary>
internal static class SluiceCli
{
    /// <summary>The commands; each prints its errors as <see cref="CliErrors"/> describes.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Sluice: Spark Structured Streaming semantics on Microsoft Orleans")
        {
            QueryCommands.Submit(),
            QueryCommands.List(),
            QueryCommands.Stop(),
            QueryCommands.Progress(),
            ReadCommands.Read(),
            ReadCommands.Tail(),
            ProduceCommand.Create(),
            CheckpointCommands.Create(),
            ScenarioCommand.Create(),
        };
        var verbose = CliErrors.VerboseOption();
        root.Options.Add(verbose);
        CliErrors.Guard(root, verbose);
        return root;
    }

    /// <summary>Parses and runs a command line; a parse error prints one line and a pointer to help, and exits 2.</summary>
    public static Task<int> InvokeAsync(string[] args)
    {
        var parse = Build().Parse(args);
        return parse.Action is ParseErrorAction ? Task.FromResult(CliErrors.ReportParseErrors(parse, Console.Error)) : parse.InvokeAsync();
    }
}
