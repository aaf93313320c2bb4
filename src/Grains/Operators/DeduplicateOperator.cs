using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// <c>dropDuplicates(columns)</c> (Spark's StreamingDeduplicateExec): the first row of each key passes, later ones
/// are dropped, across batches. With the watermark's column among the keys, rows behind the watermark are dropped
/// as late and keys behind it are evicted. <c>withinWatermark</c> (StreamingDeduplicateWithinWatermarkExec): a key
/// is remembered until its first row's event time plus the watermark delay passes the watermark.
/// </summary>
internal sealed class DeduplicateOperator : IStatefulOperator
{
    /// <summary>The name of Spark's custom metric for the rows a deduplication dropped as duplicates.</summary>
    public const string DroppedDuplicateRows = "numDroppedDuplicateRows";

    private readonly int[] _keyColumns;
    private readonly int _eventTime;
    private readonly long _expiryDelayMs;

    private DeduplicateOperator(int index, StreamSchema schema, int[] keyColumns, int eventTime, long expiryDelayMs, bool withinWatermark)
    {
        Index = index;
        OutputSchema = schema;
        _keyColumns = keyColumns;
        _eventTime = eventTime;
        _expiryDelayMs = expiryDelayMs;
        Name = withinWatermark ? "dedupeWithinWatermark" : "dedupe";
        _description = new Dictionary<string, string>
        {
            ["op"] = Name,
            ["keys"] = string.Join(", ", keyColumns.Select(k => schema[k].Name)),
            ["input"] = schema.Describe(),
        };
    }

    private readonly IReadOnlyDictionary<string, string> _description;

    public IReadOnlyDictionary<string, string> Describe() => _description;

    public int Index { get; }

    public string Name { get; }

    /// <summary>Spark's <c>StreamingDeduplicateExec</c>: in every mode.</summary>
    public bool NeedsBatchWhenWatermarkMoves => true;

    public StreamSchema OutputSchema { get; }

    /// <summary>Whether keys expire by event time (the watermark's column among the keys, or within the watermark).</summary>
    public bool HasEventTime => _eventTime >= 0;

    public static DeduplicateOperator Create(int index, string path, Spec.DropDuplicatesSpec spec, StreamSchema schema, WatermarkColumn? watermark)
    {
        var keys = spec.Columns is null
            ? Enumerable.Range(0, schema.Count).ToArray()
            : spec.Columns.Select((c, i) => schema.IndexOf(c) is var k && k >= 0 ? k
                : throw QueryPlanner.Invalid($"{path}.columns[{i}]", $"unknown column '{c}' for dropDuplicates; available columns: {schema.Describe()}")).ToArray();
        if (spec.WithinWatermark)
        {
            if (watermark is null)
            {
                throw QueryPlanner.Invalid(path + ".withinWatermark", "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark: add withWatermark on the event-time column before it");
            }
            return new DeduplicateOperator(index, schema, keys, watermark.Index, watermark.DelayMs, withinWatermark: true);
        }
        var eventTime = watermark is not null && keys.Contains(watermark.Index) ? watermark.Index : -1;
        return new DeduplicateOperator(index, schema, keys, eventTime, 0, withinWatermark: false);
    }

    /// <summary>
    /// Keys every row that is not late; a batch's repeats of a key go on too, so that the key group counts them as
    /// dropped duplicates (Spark's <c>numDroppedDuplicateRows</c>).
    /// </summary>
    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var key = new object?[_keyColumns.Length];
        foreach (var row in rows)
        {
            if (EventTimeOf(row) is { } t && EventTimes.AtOrBefore(t, context.WatermarkMs))
            {
                late.Add(row);
                continue;
            }
            for (var k = 0; k < key.Length; k++)
            {
                key[k] = row[_keyColumns[k]];
            }
            output.Add(RowCodec.Encode(key), row);
        }
    }

    /// <summary>
    /// The row's event time: the watermark's column, or, for a window column carrying the watermark (after a windowed
    /// aggregation), the window's end, which Spark's watermark predicate on a window compares.
    /// </summary>
    private DateTime? EventTimeOf(object?[] row) => _eventTime < 0 ? null : row[_eventTime] switch
    {
        DateTime t => t,
        StructValue { Values: [_, DateTime end] } => end,
        _ => null,
    };

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache) => new Batch(this, store);

    private sealed class Batch(DeduplicateOperator op, IStateStore store) : IStatefulBatch
    {
        private readonly List<object?[]> _output = [];
        private long _droppedDuplicates;

        public long? NextProcessingTimerMs => null;

        /// <summary>Spark's custom metric of its deduplication operators: the rows of the batch whose key was already seen.</summary>
        public IReadOnlyDictionary<string, long> CustomMetrics => new Dictionary<string, long> { [DroppedDuplicateRows] = _droppedDuplicates };

        public void Apply(IReadOnlyList<KeyedRecord> records)
        {
            foreach (var (key, row) in records)
            {
                if (store.Get(key) is not null)
                {
                    _droppedDuplicates++;
                    continue;
                }
                // The value is when the key may be forgotten: its event time (plus the delay within the watermark).
                long? expiry = op.EventTimeOf(row) is { } t ? EventTimes.ToMs(t) + op._expiryDelayMs : null;
                store.Put(key, RowCodec.Encode([expiry]));
                _output.Add(row);
            }
        }

        public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
        {
            if (op._eventTime >= 0)
            {
                var expired = store.Iterate().Where(e => RowCodec.Decode(e.Value)[0] is long expiry && expiry <= watermarkMs).Select(e => e.Key).ToList();
                foreach (var key in expired)
                {
                    store.Remove(key);
                }
            }
            return _output;
        }
    }
}
