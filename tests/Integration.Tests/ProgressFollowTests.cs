using System.Text.RegularExpressions;
using Sluice.Cli;
using Sluice.Cli.Commands;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Progress;
using Spectre.Console;

namespace Sluice.IntegrationTests;

/// <summary><c>sluice progress NAME --follow</c> with redirected output: a line per batch until the query ends.</summary>
[Collection(SiloCollection.Name)]
public sealed partial class ProgressFollowTests(SiloFixture silo)
{
    [GeneratedRegex(@"^batch (\d+): ", RegexOptions.Multiline)]
    private static partial Regex BatchLine();

    private static string Name() => "f" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(int Code, string Out, string Err)> FollowAsync(string name)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var args = new[] { "progress", name, "--follow", "--interval", "100ms", "--silo", $"127.0.0.1:{silo.GatewayPort}" };
            var code = await SluiceCli.Build().Parse(args).InvokeAsync();
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public async Task Follow_AvailableNowRun_PrintsEachBatchTheBacklogAndTheFinalStateThenExitsZero()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceEventsAsync(topic, 0, 40);
        var name = Name();
        // Ten records per partition, eight per trigger over four partitions: five batches of eight.
        await silo.Client.ReadStream().Kafka(topic).Schema(("id", "int"), ("kind", "string"), ("amount", "double"))
            .StartingOffsets("earliest").MaxOffsetsPerTrigger(8).Load()
            .WriteStream().Format("memory").Trigger(Trigger.AvailableNow()).StartAsync(name);

        var (code, output, error) = await FollowAsync(name);

        Assert.Equal((0, ""), (code, error));
        Assert.Equal([0, 1, 2, 3, 4], BatchLine().Matches(output).Select(m => int.Parse(m.Groups[1].Value)));
        Assert.Contains("batch 4: 8 input rows | ", output, StringComparison.Ordinal);
        Assert.Contains("backlog 40/40 offsets (100%)", output, StringComparison.Ordinal);
        var finalLine = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith($"{name} Completed: ", finalLine, StringComparison.Ordinal);
        Assert.EndsWith("(last committed batch 4)", finalLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_FailFastOnAMalformedRecord_PrintsTheErrorAndExitsOne()
    {
        var topic = silo.CreateTopic(1);
        await silo.ProduceAsync(topic, [(0, "{\"id\": 1}"), (0, "not json at all")]);
        var name = Name();
        await silo.Client.ReadStream().Kafka(topic).Schema(("id", "int")).Option("mode", "FAILFAST").StartingOffsets("earliest").Load()
            .WriteStream().Format("memory").Trigger(Trigger.Once()).StartAsync(name);

        var (code, output, error) = await FollowAsync(name);

        Assert.Equal(1, code);
        Assert.Contains($"{name} Failed: ", output, StringComparison.Ordinal);
        Assert.Contains("offset 1", error, StringComparison.Ordinal);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotMatch(BatchLine(), output);
    }

    [Fact]
    public void Lines_OverTwoPolls_PrintEachBatchOnceAndTheBacklogAndAlertsWhenTheyChange()
    {
        var output = new StringWriter();
        var lines = new ProgressLines(output);
        var info = new QueryInfo { Name = "q", State = QueryState.Active, Message = "Processing new data", Trigger = "AvailableNow", BacklogTotal = 40 };

        lines.Write(Snapshot(info with { BacklogDone = 8 }, Batch(0)));
        lines.Write(Snapshot(info with { BacklogDone = 8 }, Batch(0)));
        lines.Write(Snapshot(info with { BacklogDone = 24 }, Batch(0), Batch(1, dropped: 2), Batch(2, dropped: 1)));

        var written = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(
        [
            "following q [id = 00000000-0000-0000-0000-000000000000, runId = 00000000-0000-0000-0000-000000000000] trigger AvailableNow: Active: Processing new data",
            "batch 0: 8 input rows",
            "backlog 8/40 offsets (20%)",
            "batch 1: 8 input rows",
            "batch 2: 8 input rows",
            "backlog 24/40 offsets (60%)",
            "alert warning droppedByWatermark: 3 rows dropped by the watermark in the last 3 batches: data arrives later than the watermark delay allows (set the query option lateRowsSink to keep them).",
        ], written.Select(l => l.Split(" | ")[0]));
        Assert.Equal(
            "batch 0: 8 input rows | 16.0 rows/s in, 80.0 rows/s processed | 100 ms (latestOffset 5, walCommit 10, addBatch 80, commitOffsets 5)"
            + " | watermark 2024-05-01T12:00:00Z (delay 30.0 s) | state 12 rows (4 updated, 1 removed, 2.0 KiB) | 0 dropped by watermark"
            + " | offsets behind latest max 32, avg 8.0 | 3 output rows",
            written[1]);
    }

    [Fact]
    public void View_RendersTheWebUiFigures()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 200;
        var info = new QueryInfo { Name = "q", State = QueryState.Active, Message = "Processing new data", BacklogTotal = 40, BacklogDone = 30 };

        console.Write(ProgressView.Render(Snapshot(info, Batch(0), Batch(1, dropped: 2))));

        var text = output.ToString();
        Assert.Contains("30/40 offsets (75%)", text, StringComparison.Ordinal);
        Assert.Contains("16.0 in vs 80.0 processed", text, StringComparison.Ordinal);
        Assert.Contains("2024-05-01T12:00:00Z (delay 30.0 s)", text, StringComparison.Ordinal);
        Assert.Contains("12 (4 updated, 1 removed, 2.0 KiB)", text, StringComparison.Ordinal);
        Assert.Contains("2 rows dropped by watermark", text, StringComparison.Ordinal);
        Assert.Contains("max 32, avg 8.0 offsets", text, StringComparison.Ordinal);
        Assert.Contains("addBatch ms", text, StringComparison.Ordinal);
        Assert.Contains("warning 2 rows dropped by the watermark", text, StringComparison.Ordinal);
    }

    private static FollowSnapshot Snapshot(QueryInfo info, params QueryProgress[] recent) =>
        new(info, recent, QueryAlerts.Evaluate(info, recent));

    private static QueryProgress Batch(long id, long dropped = 0) => new()
    {
        BatchId = id,
        Timestamp = "2024-05-01T12:00:30Z",
        BatchDuration = 100,
        NumInputRows = 8,
        InputRowsPerSecond = 16,
        ProcessedRowsPerSecond = 80,
        DurationMs = new Dictionary<string, long> { ["triggerExecution"] = 100, ["addBatch"] = 80, ["commitOffsets"] = 5, ["latestOffset"] = 5, ["walCommit"] = 10 },
        EventTime = new Dictionary<string, string> { ["min"] = "2024-05-01T12:00:00Z", ["max"] = "2024-05-01T12:00:40Z", ["watermark"] = "2024-05-01T12:00:00Z" },
        StateOperators = [new StateOperatorProgress { NumRowsTotal = 12, NumRowsUpdated = 4, NumRowsRemoved = 1, MemoryUsedBytes = 2048, NumRowsDroppedByWatermark = dropped }],
        Sources = [new SourceProgress { Metrics = new Dictionary<string, string> { ["maxOffsetsBehindLatest"] = "32", ["avgOffsetsBehindLatest"] = "8.0" } }],
        Sink = new SinkProgress { NumOutputRows = 3 },
    };
}
