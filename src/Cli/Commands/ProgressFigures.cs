using System.Globalization;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Cli.Commands;

/// <summary>
/// The figures <c>progress --follow</c> shows, derived from a progress report the way the web UI derives them, so the
/// live view and the plain lines agree.
/// </summary>
internal static class ProgressFigures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Spark's phase order; <c>triggerExecution</c> is the whole batch, shown as its duration instead.</summary>
    private static readonly string[] PhaseOrder = ["latestOffset", "getBatch", "queryPlanning", "walCommit", "addBatch", "commitOffsets"];

    public static string Rate(double rowsPerSecond) => rowsPerSecond.ToString("0.0", Invariant);

    /// <summary>The batch's phases in the order they run, without <c>triggerExecution</c>.</summary>
    public static IReadOnlyList<(string Phase, long Ms)> Phases(QueryProgress p) =>
        p.DurationMs.Where(d => d.Key != "triggerExecution")
            .OrderBy(d => Array.IndexOf(PhaseOrder, d.Key) is var i and >= 0 ? i : PhaseOrder.Length)
            .ThenBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => (d.Key, d.Value))
            .ToList();

    public static string PhasesText(QueryProgress p) => string.Join(", ", Phases(p).Select(x => $"{x.Phase} {x.Ms}"));

    /// <summary>The event-time watermark, when the query has one.</summary>
    public static string? Watermark(QueryProgress p) => p.EventTime.TryGetValue("watermark", out var w) ? w : null;

    /// <summary>How far the watermark trails the batch's start; null until the watermark has moved off the epoch.</summary>
    public static TimeSpan? WatermarkDelay(QueryProgress p)
    {
        if (Watermark(p) is not { } text || !TryParse(text, out var watermark) || watermark <= DateTimeOffset.UnixEpoch
            || !TryParse(p.Timestamp, out var timestamp))
        {
            return null;
        }
        return timestamp - watermark;
    }

    public static string WatermarkText(QueryProgress p, string watermark) =>
        WatermarkDelay(p) is { } delay ? $"{watermark} (delay {Duration(delay)})" : $"{watermark} (not set yet)";

    public static bool HasState(QueryProgress p) => p.StateOperators.Count > 0;

    public static long StateRows(QueryProgress p) => p.StateOperators.Sum(s => s.NumRowsTotal);

    public static long StateUpdated(QueryProgress p) => p.StateOperators.Sum(s => s.NumRowsUpdated);

    public static long StateRemoved(QueryProgress p) => p.StateOperators.Sum(s => s.NumRowsRemoved);

    public static long StateMemory(QueryProgress p) => p.StateOperators.Sum(s => s.MemoryUsedBytes);

    public static long DroppedByWatermark(QueryProgress p) => p.StateOperators.Sum(s => s.NumRowsDroppedByWatermark);

    /// <summary>Kafka offsets behind the latest, per source that reports them: <c>max 30, avg 7.5</c>.</summary>
    public static string? Behind(QueryProgress p)
    {
        var parts = p.Sources
            .Where(s => s.Metrics.ContainsKey("maxOffsetsBehindLatest"))
            .Select(s => $"max {s.Metrics["maxOffsetsBehindLatest"]}, avg {s.Metrics.GetValueOrDefault("avgOffsetsBehindLatest", "?")}")
            .ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>The availableNow/once backlog of this run: offsets done and offsets to do.</summary>
    public static (long Done, long Total)? Backlog(QueryInfo info) =>
        info.BacklogTotal is { } total ? (Math.Min(info.BacklogDone ?? 0, total), total) : null;

    /// <summary>Whole percent, rounded down so that 100% means done.</summary>
    public static int Percent(long done, long total) => total <= 0 ? 100 : (int)(done * 100 / total);

    public static string BacklogText(long done, long total) => $"{done}/{total} offsets ({Percent(done, total)}%)";

    public static string Duration(TimeSpan d) => Math.Abs(d.TotalSeconds) switch
    {
        < 1 => $"{(long)d.TotalMilliseconds} ms",
        < 120 => $"{d.TotalSeconds.ToString("0.0", Invariant)} s",
        < 7200 => $"{d.TotalMinutes.ToString("0.0", Invariant)} min",
        _ => $"{d.TotalHours.ToString("0.0", Invariant)} h",
    };

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.0", Invariant)} KiB",
        < 1024L * 1024 * 1024 => $"{(bytes / (1024.0 * 1024)).ToString("0.0", Invariant)} MiB",
        _ => $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.0", Invariant)} GiB",
    };

    /// <summary>The status line's text: <c>Active: Processing new data</c>, with the error when failed.</summary>
    public static string StatusText(QueryInfo info) =>
        $"{info.State}: {info.Message}{(info.Error is null ? "" : " - " + info.Error)}";

    private static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, Invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
