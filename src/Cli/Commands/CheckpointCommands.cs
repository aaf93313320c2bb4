using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice checkpoint inspect PATH</c> and <c>sluice checkpoint reset PATH --to-batch N | --all</c>.</summary>
internal static class CheckpointCommands
{
    public static Command Create()
    {
        var inspectPath = new Argument<DirectoryInfo>("PATH") { Description = "The checkpoint folder" };
        var inspect = new Command("inspect", "Show what a checkpoint holds: query id, batches, pending batch, watermark, stateful layout, state files") { inspectPath };
        inspect.SetAction(async (parse, _) =>
        {
            var path = parse.GetValue(inspectPath)!.FullName;
            CheckpointResetter.RequireCheckpoint(path);
            await CheckpointInspector.InspectAsync(path, Console.Out);
            return 0;
        });

        var resetPath = new Argument<DirectoryInfo>("PATH") { Description = "The checkpoint folder" };
        var toBatch = new Option<long?>("--to-batch") { Description = "Keep batches up to N; later offsets, commits and state versions are deleted" };
        var all = new Option<bool>("--all") { Description = "Delete the whole checkpoint (the query starts again from its startingOffsets)" };
        var yes = new Option<bool>("--yes") { Description = "Confirm: a reset makes the query process input again" };
        var reset = new Command("reset", "Roll a checkpoint back (the query must be stopped)") { resetPath, toBatch, all, yes };
        reset.SetAction(async (parse, _) =>
        {
            await CheckpointResetter.ResetAsync(parse.GetValue(resetPath)!.FullName, parse.GetValue(toBatch), parse.GetValue(all), parse.GetValue(yes), Console.Out);
            return 0;
        });

        return new Command("checkpoint", "Inspect or roll back a query's checkpoint") { inspect, reset };
    }
}
