using Sluice.Columnar;
using Sluice.Data;
using Sluice.Planning;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// The agent side of a streaming aggregation on columns: the plan-time half (which keys and aggregates have typed
/// lanes and accumulators, decided once by <see cref="TryCreate"/>) of <see cref="AggregationOperator"/>'s columnar
/// route. <see cref="Route"/> gives exactly what the row route gives on the batch's rows: the same groups in the same
/// order, the same encoded keys and buffers, the same late rows and drop counts. Keys: bare columns of type string,
/// int, bigint, timestamp, boolean or double, and at most one <c>window(timestamp column, ...)</c>; aggregates: see
/// <see cref="TypedAccumulator.TryCreate"/>.
/// </summary>
internal sealed class ColumnarGrouping
{
    private GroupingScratch? _spare;

    private ColumnarGrouping(GroupKey[] keys, AggregateSet aggregates, int evictionKey, bool dropsLateRows)
    {
        Keys = keys;
        Aggregates = aggregates;
        WindowKey = Array.FindIndex(keys, k => k.Window is not null);
        ScalarKeys = [.. Enumerable.Range(0, keys.Length).Where(k => k != WindowKey)];
        DropsLateRows = dropsLateRows;
        EvictionKey = evictionKey;
        if (WindowKey >= 0)
        {
            var window = keys[WindowKey].Window!;
            (SizeTicks, SlideTicks, OffsetTicks) = (window.Size.Ticks, window.Slide.Ticks, window.StartOffset.Ticks);
        }
        InputColumns =
        [
            .. keys.Select(k => k.Window is not null ? k.TimeIndex : k.Column)
                .Concat(aggregates.Aggregates.Select(a => a.ArgumentColumn).Where(c => c >= 0))
                .Distinct().Order(),
        ];
    }

    public GroupKey[] Keys { get; }

    public AggregateSet Aggregates { get; }

    /// <summary>The window key (-1: none).</summary>
    public int WindowKey { get; }

    /// <summary>The other keys, in key order: each has a lane.</summary>
    public int[] ScalarKeys { get; }

    /// <summary>The key whose event time closes a group (-1: none), and whether groups closed by the watermark are dropped.</summary>
    public int EvictionKey { get; }

    public bool DropsLateRows { get; }

    public long SizeTicks { get; }

    public long SlideTicks { get; }

    public long OffsetTicks { get; }

    public IReadOnlyCollection<int> InputColumns { get; }

    /// <summary>The columnar route of an aggregation, or null when a key or an aggregate has no kernel (the agent makes rows).</summary>
    public static ColumnarGrouping? TryCreate(GroupKey[] keys, AggregateSet aggregates, int evictionKey, bool dropsLateRows)
    {
        var windows = keys.Count(k => k.Window is not null);
        var scalars = keys.Length - windows;
        var keysOk = windows <= 1 && scalars <= 64 && keys.All(k => k.Window is not null
            ? k.Session is null && !k.TimeFromWindow && k.TimeIndex >= 0
            : k.Scalar is not null && k.Column >= 0 && KeyLanes.IsSupported(k.Type.Kind));
        var aggregatesOk = aggregates.Aggregates.All(a => TypedAccumulator.TryCreate(a) is not null);
        return keysOk && aggregatesOk ? new ColumnarGrouping(keys, aggregates, evictionKey, dropsLateRows) : null;
    }

    /// <summary>
    /// Routes the batch's selected rows as <paramref name="rowRoute"/> would route them as rows; it does so itself (on
    /// the batch's rows) only for a batch whose vectors are not the planned types or whose string keys the row path
    /// would merge (lone surrogates).
    /// </summary>
    public void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late, IStatefulOperator rowRoute)
    {
        // One agent routes one batch at a time; the exchange only keeps a shared plan safe, never contended.
        var scratch = Interlocked.Exchange(ref _spare, null) ?? new GroupingScratch(this);
        try
        {
            if (scratch.Accepts(batch) && scratch.Group(batch, context.WatermarkMs))
            {
                if (output.TakesPartials)
                {
                    scratch.EmitPartials(batch, output, late);
                }
                else
                {
                    scratch.Emit(batch, output, late);
                }
                return;
            }
        }
        finally
        {
            _spare = scratch;
        }
        var rows = new List<object?[]>(batch.SelectedCount);
        batch.AppendRowsTo(rows);
        rowRoute.Route(rows, context, output, late);
    }
}
