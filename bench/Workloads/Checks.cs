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
    /// Sluice's rows must be, key by key, the sessions Spark's flatMapGroupsWithState emits on the run's own batches
    /// (<see cref="SessionModel"/>): the same (user, start) with the same end and amount, each once, and no other.
    /// The gap-cut sessions of the limit are not that once a batch spans more event time than the cohorts leave
    /// between a user's sessions (about 12 minutes: 1.4M events and more in 8 batches), so the limit only counts.
    /// </summary>
    private static string? W3(SluiceRun.Outcome run, List<Session> sessions)
    {
        if (SessionModel.Emitted(run.Progress, out var why) is not { } expected)
        {
            return why;
        }
        var got = run.Rows.Select(r => new Session(Id(r["user_id"]), Ms(r["session_start"]!.GetValue<string>()), Ms(r["session_end"]!.GetValue<string>()),
            (long)Math.Round(r["total_amount"]!.GetValue<double>() * 100))).ToList();
        var mine = new Dictionary<(int, long), Session>();
        var twice = got.Count(s => !mine.TryAdd((s.User, s.StartMs), s));
        var wrong = expected.Count(s => !mine.TryGetValue((s.User, s.StartMs), out var m) || m != s);
        return wrong == 0 && twice == 0 && mine.Count == expected.Count ? null
            : $"{wrong} of the {expected.Count} sessions Spark's semantics emit on these batches differ; Sluice emitted {got.Count} " +
              $"({twice} of them twice; the limit cuts {sessions.Count} by the gap alone)";
    }

    private static int Id(JsonNode? value) => int.Parse(value!.GetValue<string>().AsSpan(1), CultureInfo.InvariantCulture);

    private static long WindowStart(JsonObject row) => row["window"]!["start"] is JsonValue v ? Ms(v.ToString()) : throw new InvalidDataException("no window.start");

    public static long Ms(string iso) =>
        (long)(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime - DateTime.UnixEpoch).TotalMilliseconds;
}
