using System.Diagnostics.Metrics;
using Sluice.Progress;

namespace Sluice.Diagnostics;

/// <summary>
/// The engine's meters (<c>sluice.*</c>, meter name <c>Sluice</c>), tagged by query: OpenTelemetry or
/// <c>dotnet-counters monitor --counters Sluice</c> can read them.
/// </summary>
public sealed class SluiceMetrics
{
    public const string MeterName = "Sluice";

    private readonly Counter<long> _batches;
    private readonly Counter<long> _inputRows;
    private readonly Counter<long> _outputRows;
    private readonly Counter<long> _droppedByWatermark;
    private readonly Counter<long> _malformed;
    private readonly Histogram<long> _batchDuration;
    private readonly Gauge<long> _stateRows;
    private readonly Gauge<long> _stateMemory;
    private readonly Gauge<double> _watermarkDelay;
    private readonly Gauge<long> _offsetsBehind;

    public SluiceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _batches = meter.CreateCounter<long>("sluice.batches", "{batch}", "Micro-batches committed");
        _inputRows = meter.CreateCounter<long>("sluice.input.rows", "{row}", "Rows read from sources");
        _outputRows = meter.CreateCounter<long>("sluice.output.rows", "{row}", "Rows committed to sinks");
        _droppedByWatermark = meter.CreateCounter<long>("sluice.rows.dropped_by_watermark", "{row}", "Rows behind the watermark at a stateful operator");
        _malformed = meter.CreateCounter<long>("sluice.records.malformed", "{record}", "Source records that did not parse");
        _batchDuration = meter.CreateHistogram<long>("sluice.batch.duration", "ms", "Time from trigger to commit of a batch");
        _stateRows = meter.CreateGauge<long>("sluice.state.rows", "{row}", "State rows after the last batch");
        _stateMemory = meter.CreateGauge<long>("sluice.state.memory", "By", "State memory after the last batch");
        _watermarkDelay = meter.CreateGauge<double>("sluice.watermark.delay", "s", "Batch time minus the watermark");
        _offsetsBehind = meter.CreateGauge<long>("sluice.source.offsets_behind_latest", "{offset}", "Largest offsets-behind-latest over a source's partitions");
    }

    public void Record(QueryProgress progress)
    {
        var tag = new KeyValuePair<string, object?>("query", progress.Name);
        _batches.Add(1, tag);
        _inputRows.Add(progress.NumInputRows, tag);
        _outputRows.Add(progress.Sink.NumOutputRows, tag);
        _batchDuration.Record(progress.BatchDuration, tag);
        foreach (var state in progress.StateOperators)
        {
            _droppedByWatermark.Add(state.NumRowsDroppedByWatermark, tag);
            _stateRows.Record(state.NumRowsTotal, tag);
            _stateMemory.Record(state.MemoryUsedBytes, tag);
        }
        foreach (var source in progress.Sources)
        {
            if (source.Metrics.TryGetValue("numMalformedRecords", out var malformed) && long.TryParse(malformed, out var n))
            {
                _malformed.Add(n, tag);
            }
            if (source.Metrics.TryGetValue("maxOffsetsBehindLatest", out var behind) && long.TryParse(behind, out var b))
            {
                _offsetsBehind.Record(b, tag);
            }
        }
        if (progress.EventTime.TryGetValue("watermark", out var watermark)
            && DateTimeOffset.TryParse(watermark, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var w)
            && DateTimeOffset.TryParse(progress.Timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
        {
            _watermarkDelay.Record((t - w).TotalSeconds, tag);
        }
    }
}
