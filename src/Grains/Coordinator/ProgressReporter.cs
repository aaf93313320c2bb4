using System.Globalization;
using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Progress;
using Sluice.Sinks;

namespace Sluice.Coordinator;

/// <summary>Turns a batch's outcome into Spark's <c>StreamingQueryProgress</c> and keeps the recent ones.</summary>
internal sealed class ProgressReporter(QueryRun run, int keep)
{
    private readonly LinkedList<QueryProgress> _recent = new();
    private DateTimeOffset? _previousBatchStart;

    public QueryProgress? Last => _recent.Last?.Value;

    public IReadOnlyList<QueryProgress> Recent => _recent.ToList();

    public QueryProgress Report(BatchOutcome outcome, DateTimeOffset batchStart)
    {
        var numInputRows = outcome.Results.Sum(r => r.RecordsRead);
        var durationMs = outcome.DurationMs["triggerExecution"];
        var sinceLastMs = _previousBatchStart is { } previous ? (batchStart - previous).TotalMilliseconds : 0;
        _previousBatchStart = batchStart;
        var inputRate = sinceLastMs > 0 ? numInputRows * 1000.0 / sinceLastMs : 0;
        var processedRate = durationMs > 0 ? numInputRows * 1000.0 / durationMs : 0;

        var progress = new QueryProgress
        {
            Id = run.QueryId,
            RunId = run.RunId,
            Name = run.Spec.Name,
            Timestamp = RowJson.FormatTimestamp(batchStart.UtcDateTime),
            BatchId = outcome.BatchId,
            BatchDuration = durationMs,
            NumInputRows = numInputRows,
            InputRowsPerSecond = inputRate,
            ProcessedRowsPerSecond = processedRate,
            DurationMs = outcome.DurationMs,
            EventTime = EventTime(outcome),
            StateOperators = outcome.State is { } state ? [state] : [],
            Sources = [new SourceProgress
            {
                Description = run.SourceDescription,
                StartOffset = Json(outcome.StartOffsets[0]),
                EndOffset = Json(outcome.Offsets.Sources[0]),
                LatestOffset = Json(outcome.LatestOffsets[0]),
                NumInputRows = numInputRows,
                InputRowsPerSecond = inputRate,
                ProcessedRowsPerSecond = processedRate,
                Metrics = SourceMetrics(outcome),
            }],
            Sink = new SinkProgress { Description = SinkTargets.Describe(run.Spec.Sink), NumOutputRows = outcome.RowsOutput },
        };
        _recent.AddLast(progress);
        while (_recent.Count > keep)
        {
            _recent.RemoveFirst();
        }
        return progress;
    }

    private IReadOnlyDictionary<string, string> EventTime(BatchOutcome outcome)
    {
        var eventTime = new Dictionary<string, string>();
        if (run.Plan.Watermark is null)
        {
            return eventTime;
        }
        var stats = new EventTimeStats();
        foreach (var r in outcome.Results)
        {
            stats.Merge(r.EventTime);
        }
        if (!stats.IsEmpty)
        {
            eventTime["min"] = Iso(stats.MinMs);
            eventTime["max"] = Iso(stats.MaxMs);
            eventTime["avg"] = Iso((long)stats.AvgMs);
        }
        eventTime["watermark"] = Iso(outcome.Offsets.BatchWatermarkMs);
        return eventTime;
    }

    private static Dictionary<string, string> SourceMetrics(BatchOutcome outcome)
    {
        var end = outcome.Offsets.Sources[0].Partitions;
        var behind = outcome.LatestOffsets[0].Partitions.Select(p => Math.Max(0, p.Value - end.GetValueOrDefault(p.Key))).ToList();
        var metrics = new Dictionary<string, string>
        {
            ["numMalformedRecords"] = Text(outcome.Results.Sum(r => r.Malformed)),
            ["numDroppedMalformedRecords"] = Text(outcome.Results.Sum(r => r.DroppedMalformed)),
        };
        foreach (var (partition, latest) in outcome.LatestOffsets[0].Partitions.OrderBy(p => p.Key))
        {
            metrics[$"offsetsBehindLatest.{partition}"] = Text(Math.Max(0, latest - end.GetValueOrDefault(partition)));
        }
        if (behind.Count > 0)
        {
            metrics["minOffsetsBehindLatest"] = Text(behind.Min());
            metrics["maxOffsetsBehindLatest"] = Text(behind.Max());
            metrics["avgOffsetsBehindLatest"] = behind.Average().ToString("0.0", CultureInfo.InvariantCulture);
        }
        return metrics;
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Json(SourceOffsets offsets) =>
        new Dictionary<string, IReadOnlyDictionary<string, long>>
        {
            [offsets.Key] = offsets.Partitions.OrderBy(p => p.Key).ToDictionary(p => Text(p.Key), p => p.Value),
        };

    private static string Iso(long ms) => RowJson.FormatTimestamp(DateTime.UnixEpoch.AddMilliseconds(ms));

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}
