using System.CommandLine;
using Sluice.Cli.Commands;
using Sluice.Cli.Scenarios;

// The `sluice` command: submit, list, stop and watch queries on a silo; produce to Kafka; run scenarios.
var root = new RootCommand("Sluice: Spark Structured Streaming semantics on Microsoft Orleans")
{
    QueryCommands.Submit(),
    QueryCommands.List(),
    QueryCommands.Stop(),
    QueryCommands.Progress(),
    ProduceCommand.Create(),
    ScenarioCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
