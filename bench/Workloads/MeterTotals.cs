using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Sluice.Bench.Workloads;

/// <summary>
/// Running totals of every counter the process publishes (Orleans' messaging and grain-call meters, Sluice's own),
/// so a run can report how many messages and grain calls it cost without touching engine code.
/// </summary>
internal sealed class MeterTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _totals = new();

    public MeterTotals()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal)
                || instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, _, _) => Add(i, value));
        _listener.SetMeasurementEventCallback<int>((i, value, _, _) => Add(i, value));
        _listener.SetMeasurementEventCallback<double>((i, value, _, _) => Add(i, value));
        _listener.Start();
    }

    /// <summary>The totals so far (observable counters are read now), by <c>meter/instrument</c>.</summary>
    public Dictionary<string, double> Snapshot()
    {
        foreach (var key in _totals.Keys.Where(k => k.EndsWith("(observed)", StringComparison.Ordinal)))
        {
            _totals[key] = 0;
        }
        _listener.RecordObservableInstruments();
        return new Dictionary<string, double>(_totals);
    }

    /// <summary>What grew between two snapshots, largest first.</summary>
    public static Dictionary<string, double> Growth(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.Select(kv => (kv.Key, Value: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(x => x.Value > 0).OrderByDescending(x => x.Value).Take(25).ToDictionary(x => x.Key, x => x.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value)
    {
        var observed = instrument.GetType().Name.StartsWith("Observable", StringComparison.Ordinal);
        var key = $"{instrument.Meter.Name}/{instrument.Name}{(observed ? " (observed)" : "")}";
        _totals.AddOrUpdate(key, value, (_, total) => total + value);
    }
}
