using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.State;

namespace Sluice.Operators;

/// <summary>
/// A stateful operator, split where it runs: <see cref="Route"/> on partition agents (drop rows behind the
/// watermark, key the rest, pre-aggregate where it can) and <see cref="BeginBatch"/> in the window grain that owns
/// a key group's state.
/// </summary>
internal interface IStatefulOperator
{
    /// <summary>Index of the operator in the spec: the state lives under <c>state/&lt;index&gt;/</c>.</summary>
    int Index { get; }

    /// <summary>Spark's operator name in progress reports (<c>stateStoreSave</c>, <c>dedupe</c>, ...).</summary>
    string Name { get; }

    StreamSchema OutputSchema { get; }

    /// <summary>Whether the operator keeps processing-time timers (a restarted query runs a no-data batch to fire due ones).</summary>
    bool HasProcessingTimers => false;

    /// <summary>
    /// Whether a batch with no new data is due when this operator's input watermark moved (Spark's
    /// <c>shouldRunAnotherBatch</c>): only where the watermark evicts state or emits rows in the operator's mode.
    /// </summary>
    bool NeedsBatchWhenWatermarkMoves { get; }

    /// <summary>Keys this batch's rows for their key groups; rows behind the watermark go to <paramref name="late"/>.</summary>
    void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late);

    IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache);

    /// <summary>
    /// Records key group <paramref name="keyGroup"/> applies in every batch, before its <c>Finish</c>, whatever the
    /// agents sent: a global aggregation's group exists in every batch (<see cref="AggregationOperator"/>).
    /// </summary>
    IReadOnlyList<KeyedRecord> EveryBatchRecords(int keyGroup, int keyGroups) => [];

    /// <summary>
    /// What the layout of this operator's state depends on (op, keys, aggregates, processor and state type, input
    /// columns), as name/value pairs: a checkpoint can only be resumed by a query whose description is the same.
    /// </summary>
    IReadOnlyDictionary<string, string> Describe();
}

/// <summary>One batch of one key group, in its window grain.</summary>
internal interface IStatefulBatch
{
    /// <summary>Applies one agent's records (called once per agent that had rows for this key group).</summary>
    void Apply(IReadOnlyList<KeyedRecord> records);

    /// <summary>Applies one agent's partial aggregates, sent as one payload (only an operator whose columnar route sends them).</summary>
    void ApplyPartials(ReadOnlyMemory<byte> partials) => throw new NotSupportedException($"{GetType().Name} takes no partial aggregates");

    /// <summary>Emits the batch's output per the output mode, evicts state behind the watermark, fires timers.</summary>
    List<object?[]> Finish(long watermarkMs, long batchTimestampMs);

    /// <summary>
    /// <see cref="Finish"/> with its output as columns of <paramref name="schema"/>, where the batch can make them without
    /// a row per output row (a typed aggregation in update mode); otherwise null, having done nothing.
    /// </summary>
    ColumnRows? FinishColumns(long watermarkMs, long batchTimestampMs, StreamSchema schema) => null;

    /// <summary>The earliest pending processing-time timer after <see cref="Finish"/>, if any.</summary>
    long? NextProcessingTimerMs { get; }

    /// <summary>The batch's own count of updated and removed state rows where Spark's differs from the store's (null: the store's).</summary>
    StateRowCounts? RowCounts => null;

    /// <summary>The operator's own custom metrics of the batch (Spark's <c>customStatefulOperatorMetrics</c>), reported with the store's; null: none.</summary>
    IReadOnlyDictionary<string, long>? CustomMetrics => null;
}

/// <summary>
/// State rows an operator counts itself, as Spark's operator does (a join counts appended rows only as updated), and
/// its rows in total where the store's entries are not its rows (a join stores a side's rows of a batch as one entry).
/// </summary>
internal readonly record struct StateRowCounts(long Updated, long Removed, long? Total = null);
