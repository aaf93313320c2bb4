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
        // Every stream's rows, a shadow stream's as its primary's (the unshared plan's reads): a source read twice counts both.
        var reads = outcome.Results;
        var numInputRows = reads.Sum(r => r.Result.RecordsRead);
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
            StateOperators = [.. outcome.State],
            // One entry per distinct source (Spark's `sources.distinct`), with the rows of all its reads.
            Sources = run.SourceDescriptions.Index().Where(x => run.Plan.SourceOf[x.Index] == x.Index).Select(x =>
            {
                var (s, description) = x;
                var results = reads.Where(r => run.Plan.SourceOf[r.Stream] == s).Select(r => r.Result).ToList();
                var rows = results.Sum(r => r.RecordsRead);
                return new SourceProgress
                {
                    Description = description,
                    StartOffset = Json(outcome.StartOffsets[s]),
                    EndOffset = Json(outcome.Offsets.Sources[s]),
                    LatestOffset = Json(outcome.LatestOffsets[s]),
                    NumInputRows = rows,
                    InputRowsPerSecond = sinceLastMs > 0 ? rows * 1000.0 / sinceLastMs : 0,
                    ProcessedRowsPerSecond = durationMs > 0 ? rows * 1000.0 / durationMs : 0,
                    Metrics = SourceMetrics(outcome, s, results),
                };
            }).ToList(),
            Sink = new SinkProgress { Description = run.SinkDescription, NumOutputRows = outcome.RowsOutput },
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
        if (!run.Plan.HasWatermark)
        {
            return eventTime;
        }
        var stats = new EventTimeStats();
        foreach (var r in outcome.Results)
        {
            stats.Merge(r.Result.EventTime);
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

    private static Dictionary<string, string> SourceMetrics(BatchOutcome outcome, int source, IReadOnlyList<AgentBatchResult> results)
    {
        var end = outcome.Offsets.Sources[source].Partitions;
        var behind = outcome.LatestOffsets[source].Partitions.Select(p => Math.Max(0, p.Value - end.GetValueOrDefault(p.Key))).ToList();
        var metrics = new Dictionary<string, string>
        {
            ["numMalformedRecords"] = Text(results.Sum(r => r.Malformed)),
            ["numDroppedMalformedRecords"] = Text(results.Sum(r => r.DroppedMalformed)),
        };
        foreach (var (partition, latest) in outcome.LatestOffsets[source].Partitions.OrderBy(p => p.Key))
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
