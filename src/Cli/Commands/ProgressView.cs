using Sluice.Contracts;
using Sluice.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Sluice.Cli.Commands.ProgressFigures;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>progress --follow</c> on a terminal: one frame of the live view, with the web UI's figures (the query's state,
/// the availableNow/once backlog, the latest batch in detail, recent batches, alerts).
/// </summary>
internal static class ProgressView
{
    private const int BarWidth = 40;
    private const int RecentRows = 5;

    private static readonly Color[] PhaseColors = [Color.Blue, Color.Aqua, Color.Purple, Color.Yellow, Color.Green, Color.Fuchsia, Color.Grey];

    public static IRenderable Render(FollowSnapshot snapshot)
    {
        var parts = new List<IRenderable> { Header(snapshot.Info) };
        if (Backlog(snapshot.Info) is var (done, total))
        {
            parts.Add(BacklogBar(done, total));
        }
        parts.Add(snapshot.Last is { } last ? LatestBatch(last) : new Markup("[grey](no batch has run yet)[/]"));
        if (snapshot.Recent.Count > 1)
        {
            parts.Add(RecentBatches(snapshot.Recent));
        }
        parts.AddRange(snapshot.Alerts.Select(Alert));
        if (snapshot.Info.IsActive)
        {
            parts.Add(new Markup("[grey]Ctrl+C stops following (the query keeps running)[/]"));
        }
        return new Rows(parts);
    }

    private static Markup Header(QueryInfo info) => new(
        $"[bold]{Markup.Escape(info.Name)}[/] [grey]id {info.Id} runId {info.RunId} trigger {Markup.Escape(info.Trigger)}[/]\n" +
        $"[{StateColor(info.State)}]{info.State}[/]: {Markup.Escape(info.Message)}" +
        (info.Error is null ? "" : $"\n[red]{Markup.Escape(info.Error)}[/]"));

    private static Markup BacklogBar(long done, long total)
    {
        var filled = total <= 0 ? BarWidth : (int)(done * BarWidth / total);
        return new Markup(
            $"backlog [green]{new string('━', filled)}[/][grey]{new string('━', BarWidth - filled)}[/] {BacklogText(done, total)}");
    }

    private static Grid LatestBatch(QueryProgress p)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        Row(grid, "batch", $"{p.BatchId} [grey]started {Markup.Escape(p.Timestamp)}[/]");
        Row(grid, "input rows", $"{p.NumInputRows}");
        var behind = p.ProcessedRowsPerSecond < p.InputRowsPerSecond;
        Row(grid, "rows/s", $"{Rate(p.InputRowsPerSecond)} in vs [{(behind ? "red" : "green")}]{Rate(p.ProcessedRowsPerSecond)} processed[/]");
        Row(grid, "duration", $"{p.BatchDuration} ms");
        var phases = Phases(p);
        if (phases.Any(x => x.Ms > 0))
        {
            var chart = new BreakdownChart().Width(60);
            foreach (var ((phase, ms), i) in phases.Select((x, i) => (x, i)))
            {
                chart.AddItem($"{phase} ms", ms, PhaseColors[i % PhaseColors.Length]);
            }
            grid.AddRow(new Markup("[grey]phases[/]"), chart);
        }
        if (p.EventTime.TryGetValue("min", out var min) && p.EventTime.TryGetValue("max", out var max))
        {
            Row(grid, "event time", Markup.Escape($"{min} .. {max}"));
        }
        if (Watermark(p) is { } watermark)
        {
            Row(grid, "watermark", Markup.Escape(WatermarkText(p, watermark)));
        }
        if (HasState(p))
        {
            Row(grid, "state rows", $"{StateRows(p)} ({StateUpdated(p)} updated, {StateRemoved(p)} removed, {Bytes(StateMemory(p))})");
            var dropped = DroppedByWatermark(p);
            Row(grid, "dropped", dropped > 0 ? $"[yellow]{dropped} rows dropped by watermark[/]" : "0 rows dropped by watermark");
        }
        if (Behind(p) is { } offsetsBehind)
        {
            Row(grid, "behind latest", $"{Markup.Escape(offsetsBehind)} offsets");
        }
        Row(grid, "output rows", $"{p.Sink.NumOutputRows}");
        return grid;
    }

    private static Table RecentBatches(IReadOnlyList<QueryProgress> recent)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("batch", "input rows", "in rows/s", "processed rows/s", "duration ms", "output rows");
        foreach (var p in recent.TakeLast(RecentRows))
        {
            table.AddRow($"{p.BatchId}", $"{p.NumInputRows}", Rate(p.InputRowsPerSecond), Rate(p.ProcessedRowsPerSecond),
                $"{p.BatchDuration}", $"{p.Sink.NumOutputRows}");
        }
        return table;
    }

    private static Markup Alert(QueryAlert alert) =>
        new($"[{(alert.Severity == "critical" ? "red" : "yellow")}]{Markup.Escape(alert.Severity)}[/] {Markup.Escape(alert.Message)}");

    private static void Row(Grid grid, string label, string markup) =>
        grid.AddRow(new Markup($"[grey]{label}[/]"), new Markup(markup));

    private static string StateColor(QueryState state) => state switch
    {
        QueryState.Active => "green",
        QueryState.Completed or QueryState.Stopped => "blue",
        _ => "red",
    };
}
