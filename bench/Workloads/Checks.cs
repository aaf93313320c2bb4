using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Progress;

namespace Sluice.Bench.Workloads;

/// <summary>Does a Sluice run compute what the limit computed? Each check returns null when it does, else why not.</summary>
internal static class Checks
{
    public static string? Check(string workload, SluiceRun.Outcome run, Aggregates limit) => workload switch
    {
        "W1" => W1(run, limit),
        "W2" => W2(run, limit),
        "W3" => W3(run, limit.Sessions),
        _ => run.OutputRecords == limit.Purchases ? null
            : $"{run.OutputRecords} purchases read back, the sink reported {run.SinkRows} written, the limit has {limit.Purchases}",
    };

    /// <summary>The watermark of the last batch, in epoch ms.</summary>
    public static long FinalWatermarkMs(IReadOnlyList<QueryProgress> progress) =>
        progress.Select(p => p.EventTime.TryGetValue("watermark", out var w) ? Ms(w) : long.MinValue).DefaultIfEmpty(long.MinValue).Max();

    private static string? W1(SluiceRun.Outcome run, Aggregates limit)
    {
        var final = new Dictionary<WindowKey, long>();
        foreach (var row in run.Rows)
        {
            final[WindowKey.Of(Id(row["user_id"]), WindowStart(row))] = row["events"]!.GetValue<long>();
        }
        var wrong = limit.Counts.Count(kv => final.GetValueOrDefault(kv.Key) != kv.Value);
        return wrong == 0 && final.Count == limit.Counts.Count ? null
            : $"{wrong} of {limit.Counts.Count} (user, window) counts differ; Sluice has {final.Count} keys";
    }

    private static string? W2(SluiceRun.Outcome run, Aggregates limit)
    {
        var watermark = FinalWatermarkMs(run.Progress);
        var expected = limit.Revenue.Where(kv => kv.Key.WindowStartMs + Aggregates.WindowMs <= watermark).ToDictionary();
        var got = new Dictionary<WindowKey, long>();
        foreach (var row in run.Rows)
        {
            got[WindowKey.Of(Id(row["product_id"]), WindowStart(row))] = (long)Math.Round((row["revenue"]?.GetValue<double>() ?? 0) * 100);
        }
        var wrong = expected.Count(kv => got.GetValueOrDefault(kv.Key) != kv.Value);
        return wrong == 0 && got.Count == expected.Count ? null
            : $"{wrong} of {expected.Count} closed (product, window) revenues differ; Sluice emitted {got.Count}";
    }

    /// <summary>
    /// Sessions that ended well before the final watermark (10 minutes of margin) must match key by key: the same
    /// (user, start) with the same end and amount; later ones may still be open in Sluice.
    /// </summary>
    private static string? W3(SluiceRun.Outcome run, List<Session> sessions)
    {
        var cutoff = FinalWatermarkMs(run.Progress) - (10 * 60 * 1000);
        var got = run.Rows.Select(r => new Session(Id(r["user_id"]), Ms(r["session_start"]!.GetValue<string>()), Ms(r["session_end"]!.GetValue<string>()),
            (long)Math.Round(r["total_amount"]!.GetValue<double>() * 100))).ToList();
        var mine = new Dictionary<(int, long), Session>();
        var twice = got.Where(s => s.EndMs <= cutoff).Count(s => !mine.TryAdd((s.User, s.StartMs), s));
        var theirs = sessions.Where(s => s.EndMs <= cutoff).ToList();
        var wrong = theirs.Count(s => !mine.TryGetValue((s.User, s.StartMs), out var m) || m != s);
        return wrong == 0 && twice == 0 && mine.Count == theirs.Count && got.Count <= sessions.Count ? null
            : $"{wrong} of the limit's {theirs.Count} sessions ending by the cutoff differ; Sluice has {mine.Count} ending by then " +
              $"({twice} of them twice, {got.Count} in all, the limit {sessions.Count})";
    }

    private static int Id(JsonNode? value) => int.Parse(value!.GetValue<string>().AsSpan(1), CultureInfo.InvariantCulture);

    private static long WindowStart(JsonObject row) => row["window"]!["start"] is JsonValue v ? Ms(v.ToString()) : throw new InvalidDataException("no window.start");

    public static long Ms(string iso) =>
        (long)(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime - DateTime.UnixEpoch).TotalMilliseconds;
}
