using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators.Aggregation;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// Streaming aggregation (Spark's StateStoreSaveExec): agents pre-aggregate each batch per key, window grains merge
/// the partial buffers into state. Output per mode: complete (every group), update (groups changed in the batch),
/// append (groups the watermark has closed, once). With a watermark on a key, rows whose group is already closed
/// (<c>window.end &lt;= watermark</c>) are dropped and counted, and closed groups are evicted.
/// </summary>
internal sealed class AggregationOperator : IStatefulOperator
{
    private readonly GroupKey[] _keys;
    private readonly AggregateSet _aggregates;
    private readonly OutputMode _mode;
    private readonly int _evictionKey;
    private readonly IReadOnlyDictionary<string, string> _description;

    public IReadOnlyDictionary<string, string> Describe() => _description;

    public AggregationOperator(int index, IReadOnlyList<GroupKey> keys, AggregateSet aggregates, OutputMode mode, WatermarkColumn? watermark, IReadOnlyDictionary<string, string> description)
    {
        Index = index;
        _description = description;
        _keys = [.. keys];
        _aggregates = aggregates;
        _mode = mode;
        _evictionKey = Array.FindIndex(_keys, k => watermark is not null && k.TimeIndex == watermark.Index && k.Window is not null);
        if (_evictionKey < 0 && watermark is not null)
        {
            _evictionKey = Array.FindIndex(_keys, k => k.Scalar?.Syntax is Expressions.ColumnRef c && string.Equals(c.Name, watermark.Name, StringComparison.OrdinalIgnoreCase));
        }
        OutputSchema = new StreamSchema([.. _keys.Select(k => new Column(k.Name, k.Type)), .. aggregates.Aggregates.Select(a => new Column(a.Name, a.Function.ResultType))]);
    }

    public int Index { get; }

    public string Name => "stateStoreSave";

    public StreamSchema OutputSchema { get; }

    /// <summary>Whether a grouping key carries the watermark, so groups can close (append mode needs it).</summary>
    public bool HasWatermarkOnKey => _evictionKey >= 0;

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, List<object?[]> late)
    {
        var partial = new Dictionary<byte[], object?[]>(ByteKeyComparer.Instance);
        var windows = new List<StructValue>();
        var windowKey = Array.FindIndex(_keys, k => k.Window is not null);
        foreach (var row in rows)
        {
            windows.Clear();
            if (windowKey >= 0)
            {
                if (row[_keys[windowKey].TimeIndex] is not DateTime time)
                {
                    continue;
                }
                _keys[windowKey].WindowsOf(time, windows);
            }
            var count = Math.Max(1, windows.Count);
            for (var w = 0; w < count; w++)
            {
                var key = new object?[_keys.Length];
                for (var k = 0; k < _keys.Length; k++)
                {
                    key[k] = k == windowKey ? windows[w] : _keys[k].Scalar!.Evaluate(row);
                }
                if (HasWatermarkOnKey && EvictionTimeMs(key) is { } t && t <= context.WatermarkMs)
                {
                    late.Add(row);
                    continue;
                }
                var encoded = RowCodec.Encode(key);
                if (!partial.TryGetValue(encoded, out var buffer))
                {
                    partial[encoded] = buffer = _aggregates.NewBuffer();
                }
                _aggregates.Update(buffer, row);
            }
        }
        foreach (var (key, buffer) in partial)
        {
            output.Add(key, buffer);
        }
    }

    /// <summary>When a group closes: its window's end, or its event-time key.</summary>
    private long? EvictionTimeMs(object?[] key) => key[_evictionKey] switch
    {
        StructValue window when window.Values[1] is DateTime end => EventTimes.ToMs(end),
        DateTime time => EventTimes.ToMs(time),
        _ => null,
    };

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache) => new Batch(this, store);

    private sealed class Batch(AggregationOperator op, IStateStore store) : IStatefulBatch
    {
        private readonly HashSet<byte[]> _updated = new(ByteKeyComparer.Instance);

        public long? NextProcessingTimerMs => null;

        public void Apply(IReadOnlyList<KeyedRecord> records)
        {
            foreach (var record in records)
            {
                var existing = store.Get(record.Key);
                var buffer = record.Value;
                if (existing is not null)
                {
                    buffer = RowCodec.Decode(existing);
                    op._aggregates.Merge(buffer, record.Value);
                }
                store.Put(record.Key, RowCodec.Encode(buffer));
                _updated.Add(record.Key);
            }
        }

        public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
        {
            var output = new List<object?[]>();
            if (op._mode == OutputMode.Complete)
            {
                foreach (var (key, value) in store.Iterate())
                {
                    output.Add(Row(key, value));
                }
                return output;
            }
            if (op._mode == OutputMode.Update)
            {
                foreach (var key in _updated)
                {
                    output.Add(Row(key, store.Get(key)!));
                }
            }
            if (op.HasWatermarkOnKey)
            {
                var closed = store.Iterate().Where(e => op.EvictionTimeMs(RowCodec.Decode(e.Key)) is { } t && t <= watermarkMs).ToList();
                foreach (var (key, value) in closed)
                {
                    if (op._mode == OutputMode.Append)
                    {
                        output.Add(Row(key, value));
                    }
                    store.Remove(key);
                }
            }
            return output;
        }

        private object?[] Row(byte[] key, byte[] value) => [.. RowCodec.Decode(key), .. op._aggregates.Evaluate(RowCodec.Decode(value))];
    }
}
