using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sluice.Columnar;
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
/// (<c>window.end &lt;= watermark</c>) are dropped and counted, and closed groups are evicted, except in complete mode,
/// which keeps and counts every row as Spark does.
/// </summary>
internal sealed class AggregationOperator : IStatefulOperator, IColumnarRoute
{
    private readonly GroupKey[] _keys;
    private readonly AggregateSet _aggregates;
    private readonly OutputMode _mode;
    private readonly int _evictionKey;
    private readonly bool _dropsLateRows;
    private readonly IReadOnlyDictionary<string, string> _description;
    private readonly ColumnarGrouping? _columnar;

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
        _dropsLateRows = _evictionKey >= 0 && mode != OutputMode.Complete;
        OutputSchema = new StreamSchema([.. _keys.Select(k => new Column(k.Name, k.Type)), .. aggregates.Aggregates.Select(a => new Column(a.Name, a.Function.ResultType))]);
        _columnar = ColumnarGrouping.TryCreate(_keys, aggregates, _evictionKey, _dropsLateRows);
        TypedState = TypedHotGroups.Supports(aggregates);
    }

    public bool RoutesColumns => _columnar is not null;

    /// <summary>The columns the columnar route reads (none when <see cref="RoutesColumns"/> is false: the row route reads every column).</summary>
    public IReadOnlyCollection<int> InputColumns => _columnar?.InputColumns ?? [];

    public void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late) =>
        (_columnar ?? throw new InvalidOperationException("this aggregation has no columnar route; route its rows")).Route(batch, context, output, late, this);

    public int Index { get; }

    public string Name => "stateStoreSave";

    /// <summary>Spark's <c>StateStoreSaveExec</c>: in append and update mode; complete mode keeps and emits everything.</summary>
    public bool NeedsBatchWhenWatermarkMoves => _mode != OutputMode.Complete;

    public StreamSchema OutputSchema { get; }

    /// <summary>Whether a grouping key carries the watermark, so groups can close (append mode needs it).</summary>
    public bool HasWatermarkOnKey => _evictionKey >= 0;

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        // Sized for every row a new key (the common case with many partitions), up to 64k, so it rarely regrows.
        var partial = new Dictionary<byte[], object?[]>(Math.Min(rows.Count, 1 << 16), ByteKeyComparer.Instance);
        var lookup = partial.GetAlternateLookup<ReadOnlySpan<byte>>();
        var windows = new List<StructValue>();
        var windowKey = Array.FindIndex(_keys, k => k.Window is not null);
        var key = new object?[_keys.Length];
        var lateGroups = new HashSet<byte[]>(ByteKeyComparer.Instance);
        foreach (var row in rows)
        {
            windows.Clear();
            if (windowKey >= 0)
            {
                if (_keys[windowKey].TimeOf(row) is not { } time)
                {
                    continue;
                }
                _keys[windowKey].WindowsOf(time, windows);
            }
            var count = Math.Max(1, windows.Count);
            for (var w = 0; w < count; w++)
            {
                for (var k = 0; k < _keys.Length; k++)
                {
                    key[k] = k == windowKey ? windows[w] : _keys[k].Scalar!.Evaluate(row);
                }
                // Complete mode keeps every group, so no row is too late for it (Spark's StateStoreSaveExec filters
                // late rows only in append and update mode).
                if (_dropsLateRows && EvictionTimeMs(key) is { } t && t <= context.WatermarkMs)
                {
                    // Spark drops late groups after the partial aggregation: one drop per late group, not per row.
                    late.Add(row, count: lateGroups.Add(RowCodec.Encode(key)));
                    continue;
                }
                var encoded = RowCodec.EncodeScratch(key);
                if (!lookup.TryGetValue(encoded, out var buffer))
                {
                    lookup[encoded] = buffer = _aggregates.NewBuffer();
                }
                _aggregates.Update(buffer, row);
            }
        }
        foreach (var (encoded, buffer) in partial)
        {
            output.Add(encoded, buffer);
        }
    }

    /// <summary>
    /// Whether a key group keeps its hot groups typed (<see cref="TypedHotGroups"/>): every aggregate has a typed
    /// accumulator. Tests turn it off to compare with the object path (<see cref="HotGroups"/>), which the other
    /// aggregates use.
    /// </summary>
    internal bool TypedState { get; set; }

    internal AggregateSet Aggregates => _aggregates;

    internal OutputMode Mode => _mode;

    /// <summary>The key that closes groups (-1: none).</summary>
    internal int EvictionKey => _evictionKey;

    /// <summary>An output row: the group's key values, then each aggregate's result from its buffer.</summary>
    internal object?[] Row(object?[] key, object?[] buffer)
    {
        var row = new object?[key.Length + _aggregates.Aggregates.Count];
        key.CopyTo(row, 0);
        _aggregates.EvaluateInto(buffer, row, key.Length);
        return row;
    }

    /// <summary>When a group closes: its window's end, or its event-time key.</summary>
    internal long? EvictionTimeMs(object?[] key) => key[_evictionKey] switch
    {
        StructValue window when window.Values[1] is DateTime end => EventTimes.ToMs(end),
        DateTime time => EventTimes.ToMs(time),
        _ => null,
    };

    /// <summary>
    /// A global aggregation (no grouping keys) has its one group in every batch, with empty buffers when no row reached
    /// it, as Spark's HashAggregateExec without grouping keys outputs one row for empty input (count 0, sum null): so
    /// complete mode outputs it from the first batch on, and update mode in every batch that runs. Given to the key
    /// group of the empty key only.
    /// </summary>
    public IReadOnlyList<KeyedRecord> EveryBatchRecords(int keyGroup, int keyGroups) =>
        _keys.Length == 0 && RowCodec.KeyGroupOf(GlobalKey, keyGroups) == keyGroup ? [new KeyedRecord(GlobalKey, _aggregates.NewBuffer())] : [];

    private static readonly byte[] GlobalKey = RowCodec.Encode([]);

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache)
    {
        if (cache.Value is not AggregationCache state)
        {
            // With a watermark on a key, the groups by closing time, so eviction reads only the groups that close
            // instead of decoding every key of the state each batch.
            var closing = HasWatermarkOnKey && _mode != OutputMode.Complete
                ? ClosingGroups.Build(store, byPrefix: _evictionKey == 0, EvictionTimeMs)
                : null;
            // From an empty store, the hot state holds every group until one finds no room: until then a key it does
            // not hold is new, and the batch need not look it up in the store.
            var holdsAll = !store.Iterate().Any();
            cache.Value = state = TypedState
                ? new AggregationCache(null, new TypedHotGroups(_aggregates, cache.Budget, holdsAll), closing)
                : new AggregationCache(new HotGroups(cache.Budget, holdsAll), null, closing);
            // The restored state's groups are in the store, not held: their windows close by the store scan.
            foreach (var time in state.Typed is not null ? closing?.ClosingTimes ?? [] : [])
            {
                state.Typed!.NotWhole(time);
            }
        }
        state.Closing?.BeginBatch();
        return state.Typed is { } typed
            ? new TypedAggregationBatch(this, store, typed, state.Closing)
            : new Batch(this, store, state.Groups!, state.Closing);
    }

    /// <summary>
    /// One key group's batch. Agents' partial buffers are merged in memory first (a key arrives once per agent that
    /// saw it), and <see cref="Finish"/> merges each distinct key once into its group: the decoded group kept between
    /// batches (<see cref="HotGroups"/>) or, for a group not held, the store's value. Only the batch's keys are
    /// written back to the store. The agents hand their buffers over: they are merged into, never copied.
    /// </summary>
    private sealed class Batch(AggregationOperator op, IStateStore store, HotGroups hot, ClosingGroups? closing) : IStatefulBatch
    {
        private readonly Dictionary<byte[], object?[]> _pending = new(ByteKeyComparer.Instance);
        private readonly List<(byte[] Key, object?[] KeyValues, object?[] Buffer)> _reread = [];
        private readonly SharedWindow _window = new(op._evictionKey);
        private PartialAggregates? _partials;

        public long? NextProcessingTimerMs => null;

        public void Apply(IReadOnlyList<KeyedRecord> records)
        {
            foreach (var record in records)
            {
                ref var buffer = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, record.Key, out var seen);
                if (seen)
                {
                    op._aggregates.Merge(buffer!, record.Value);
                }
                else
                {
                    buffer = record.Value;
                }
            }
        }

        /// <summary>
        /// As <see cref="Apply"/> for the same agent's records: each group's partial, read from its typed lanes, becomes
        /// the pending buffer of its key or is merged into it. A key the hot state holds reuses its key array.
        /// </summary>
        public void ApplyPartials(ReadOnlyMemory<byte> partials)
        {
            var reader = _partials ??= new PartialAggregates(op._aggregates);
            var count = reader.Open(partials);
            var pending = _pending.GetAlternateLookup<ReadOnlySpan<byte>>();
            for (var group = 0; group < count; group++)
            {
                var key = reader.NextKey();
                if (pending.TryGetValue(key, out var buffer))
                {
                    op._aggregates.Merge(buffer, reader.Scratch(group));
                }
                else
                {
                    _pending.Add(hot.KeyOf(key) ?? key.ToArray(), reader.NewBuffer(group));
                }
            }
            reader.Close();
        }

        public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
        {
            var update = op._mode == OutputMode.Update;
            var output = new List<object?[]>(update ? _pending.Count : 0);
            hot.BeginBatch();
            foreach (var (key, partial) in _pending)
            {
                object?[]? keyValues;
                object?[] buffer;
                ref var held = ref hot.Find(key);
                if (!Unsafe.IsNullRef(ref held))
                {
                    (keyValues, buffer) = (held.KeyValues, held.Buffer);
                    // State first: order-sensitive aggregates (first, last) keep the earlier batches' value.
                    op._aggregates.Merge(buffer, partial);
                    var value = RowCodec.Encode(buffer);
                    StateWrites.Write(store, key, value, held.StoredLength);
                    // What the store holds once this batch commits (an aborted batch drops the hot state).
                    held.StoredLength = value.Length;
                }
                else
                {
                    (keyValues, buffer) = Load(key, partial);
                }
                if (update)
                {
                    output.Add(op.Row(keyValues!, buffer));
                }
            }
            if (_reread.Count > 0)
            {
                hot.Admit(_reread, _pending);
            }
            if (op._mode == OutputMode.Complete)
            {
                foreach (var (key, value) in store.Iterate())
                {
                    output.Add(hot.TryPeek(key, out var keyValues, out var buffer) ? op.Row(keyValues, buffer) : op.Row(RowCodec.Decode(key), RowCodec.Decode(value)));
                }
                return output;
            }
            if (closing is not null)
            {
                Evict(watermarkMs == long.MaxValue ? long.MaxValue : watermarkMs + 1, output);
            }
            return output;
        }

        /// <summary>
        /// A group not held: the store's value merged with the batch's partial, kept hot if the budget has room (a group
        /// read back from the store may make room after the loop: <see cref="HotGroups.Admit"/>). Its key is decoded only
        /// where something needs it (the hot entry, update output, or a new group's closing time).
        /// </summary>
        private (object?[]? KeyValues, object?[] Buffer) Load(byte[] key, object?[] partial)
        {
            var keyValues = closing is not null ? RowCodec.Decode(key) : null;
            var closesAt = keyValues is not null ? op.EvictionTimeMs(keyValues) : null;
            // A key the hot state would hold if the store had it, or of a window the closing index has never seen (no
            // stored key can start with it), is new: no store read, and the commit is told it is not committed.
            var isNew = hot.HoldsAll || (closesAt is not null && closing!.IsNewPrefix(keyValues!));
            var existing = isNew ? null : store.Get(key);
            var buffer = partial;
            if (existing is not null)
            {
                buffer = RowCodec.Decode(existing);
                op._aggregates.Merge(buffer, partial);
            }
            var value = RowCodec.Encode(buffer);
            // Get's null is a key not committed, or one the working version holds (whose change ignores the length).
            StateWrites.Write(store, key, value, existing?.Length ?? -1);
            keyValues ??= op._mode == OutputMode.Update || existing is not null || hot.HasRoom ? RowCodec.Decode(key) : null;
            if (closesAt is { } time && existing is null)
            {
                closing!.Add(time, key, keyValues!);
            }
            if (keyValues is null)
            {
                hot.NotHeld();
            }
            else if (!hot.TryAdd(key, keyValues, buffer, value.Length) && existing is not null)
            {
                _reread.Add((key, keyValues, buffer));
            }
            return (keyValues, buffer);
        }

        /// <summary>Removes the groups the watermark has closed (append mode outputs them, once).</summary>
        private void Evict(long thresholdMs, List<object?[]> output)
        {
            foreach (var (key, value, removed) in closing!.TakeDueGroups(store, thresholdMs))
            {
                Remove(key, value, removed, output);
            }
        }

        /// <summary>
        /// Removes a closed group (from the store too unless it is <paramref name="removed"/> there). <paramref name="value"/> is the working version's value when the caller read it:
        /// for a key the working version has not changed, that is the committed value, whose length the commit needs.
        /// </summary>
        private void Remove(byte[] key, byte[]? value, bool removed, List<object?[]> output)
        {
            var held = hot.TryPeek(key, out var keyValues, out var buffer, out var storedLength);
            if (op._mode == OutputMode.Append)
            {
                output.Add(held ? op.Row(keyValues, buffer) : op.Row(_window.Decode(key), RowCodec.Decode(value ??= store.Get(key)!)));
            }
            if (!removed)
            {
                StateWrites.Write(store, key, null, value?.Length ?? (held ? storedLength : SortedEntries.Entry.UnknownLength));
            }
            hot.Remove(key);
        }
    }
}
