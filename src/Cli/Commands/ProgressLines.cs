using System.Text;
using Sluice.Progress;
using static Sluice.Cli.Commands.ProgressFigures;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>progress --follow</c> when stdout is not a terminal: whole lines that a script can read, with no cursor movement.
/// One line per new batch, and a line when the backlog moves or an alert appears.
/// </summary>
internal sealed class ProgressLines(TextWriter output)
{
    private bool _started;
    private long _lastBatchId = -1;
    private string? _backlog;
    private HashSet<string> _alertKinds = [];

    public void Write(FollowSnapshot snapshot)
    {
        var info = snapshot.Info;
        if (!_started)
        {
            output.WriteLine($"following {info.Name} [id = {info.Id}, runId = {info.RunId}] trigger {info.Trigger}: {StatusText(info)}");
            _started = true;
        }
        foreach (var p in snapshot.Recent.Where(p => p.BatchId > _lastBatchId))
        {
            output.WriteLine(Line(p));
            _lastBatchId = p.BatchId;
        }
        if (Backlog(info) is var (done, total) && BacklogText(done, total) is var backlog && backlog != _backlog)
        {
            output.WriteLine($"backlog {backlog}");
            _backlog = backlog;
        }
        // A failure is reported by the final state line; the other alerts are printed once when they appear.
        var alerts = snapshot.Alerts.Where(a => a.Kind != QueryAlerts.Failed).ToList();
        foreach (var alert in alerts.Where(a => !_alertKinds.Contains(a.Kind)))
        {
            output.WriteLine($"alert {alert.Severity} {alert.Kind}: {alert.Message}");
        }
        _alertKinds = alerts.Select(a => a.Kind).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// <c>batch 3: 10 input rows | 120.5 rows/s in, 95.1 rows/s processed | 105 ms (latestOffset 3, walCommit 10, ...) | ...</c>;
    /// the watermark, state and offsets-behind parts only when the query has them.
    /// </summary>
    public static string Line(QueryProgress p)
    {
        var line = new StringBuilder()
            .Append($"batch {p.BatchId}: {p.NumInputRows} input rows")
            .Append($" | {Rate(p.InputRowsPerSecond)} rows/s in, {Rate(p.ProcessedRowsPerSecond)} rows/s processed")
            .Append($" | {p.BatchDuration} ms ({PhasesText(p)})");
        if (Watermark(p) is { } watermark)
        {
            line.Append($" | watermark {WatermarkText(p, watermark)}");
        }
        if (HasState(p))
        {
            line.Append($" | state {StateRows(p)} rows ({StateUpdated(p)} updated, {StateRemoved(p)} removed, {Bytes(StateMemory(p))})")
                .Append($" | {DroppedByWatermark(p)} dropped by watermark");
        }
        if (Behind(p) is { } behind)
        {
            line.Append($" | offsets behind latest {behind}");
        }
        return line.Append($" | {p.Sink.NumOutputRows} output rows").ToString();
    }
}
