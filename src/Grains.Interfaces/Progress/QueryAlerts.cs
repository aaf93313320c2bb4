using System.Globalization;
using Sluice.Contracts;

namespace Sluice.Progress;

/// <summary>
/// The alerts a production team needs, from a query's status and recent progress (the HTTP API, the web UI and the
/// CLI all show these): state rows growing more than 10% between triggers, rows dropped by the watermark, processing
/// lag over twice the trigger interval, and a failed query.
/// </summary>
public static class QueryAlerts
{
    public const string StateGrowth = "stateGrowth";
    public const string DroppedByWatermark = "droppedByWatermark";
    public const string ProcessingLag = "processingLag";
    public const string Failed = "failed";

    /// <summary>Batches looked at for rows dropped by the watermark.</summary>
    public const int RecentBatches = 10;

    public static IReadOnlyList<QueryAlert> Evaluate(QueryInfo info, IReadOnlyList<QueryProgress> recent)
    {
        var alerts = new List<QueryAlert>();
        if (info.State == QueryState.Failed)
        {
            alerts.Add(new QueryAlert(Failed, "critical", $"Query {info.Name} failed: {info.Error}"));
        }
        var withState = recent.Where(p => p.StateOperators.Count > 0).ToList();
        if (withState.Count >= 2)
        {
            var before = withState[^2].StateOperators.Sum(s => s.NumRowsTotal);
            var now = withState[^1].StateOperators.Sum(s => s.NumRowsTotal);
            if (before > 0 && now > before * 1.1)
            {
                alerts.Add(new QueryAlert(StateGrowth, "warning",
                    $"State rows grew {Percent((now - before) / (double)before)} between batches {withState[^2].BatchId} and {withState[^1].BatchId} ({before} -> {now}): is the watermark evicting state?"));
            }
        }
        var dropped = recent.TakeLast(RecentBatches).Sum(p => p.StateOperators.Sum(s => s.NumRowsDroppedByWatermark));
        if (dropped > 0)
        {
            alerts.Add(new QueryAlert(DroppedByWatermark, "warning",
                $"{dropped} {(dropped == 1 ? "row" : "rows")} dropped by the watermark in the last {Math.Min(RecentBatches, recent.Count)} batches: data arrives later than the watermark delay allows (set the query option lateRowsSink to keep them)."));
        }
        if (info.TriggerIntervalMs > 0 && recent.Count > 0 && recent[^1].BatchDuration > 2 * info.TriggerIntervalMs)
        {
            alerts.Add(new QueryAlert(ProcessingLag, "warning",
                $"Batch {recent[^1].BatchId} took {recent[^1].BatchDuration} ms, over twice the trigger interval ({info.TriggerIntervalMs} ms): the query is falling behind."));
        }
        return alerts;
    }

    private static string Percent(double fraction) => fraction.ToString("P0", CultureInfo.InvariantCulture);
}
