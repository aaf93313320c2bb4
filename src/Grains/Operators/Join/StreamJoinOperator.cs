using Sluice.Columnar;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// A stream-stream join (Spark's StreamingSymmetricHashJoinExec): both inputs' rows are kept in the key group of their
/// join key; each new row joins the other side's stored rows. State goes when the watermark says no future row can
/// match it (Spark's state watermark predicates): by the join key when a key column carries the watermark (a window of
/// the event time, or the event time itself), else by each side's event time and the time range in the condition.
/// Outer joins emit their preserved side's rows that never matched, with nulls, at that moment. Append mode only.
/// </summary>
internal sealed class StreamJoinOperator : IStatefulOperator, IColumnarRoute
{
    public const int Left = 0, Right = 1;

    // The side tags routed rows start with (2 and 3: a preserved side's NULL-key row), boxed once rather than per row.
    private static readonly object[] SideTags = [0, 1, 2, 3];

    private StreamJoinOperator(int index, JoinSpec spec, JoinCondition condition, int rightStream, StreamSchema output)
    {
        Index = index;
        Spec = spec;
        Condition = condition;
        RightStream = rightStream;
        OutputSchema = output;
    }

    public int Index { get; }
    public JoinSpec Spec { get; }
    public JoinCondition Condition { get; }
    public int RightStream { get; }
    public int LeftWidth { get; private init; }
    public int RightWidth { get; private init; }
    public string Name => "symmetricHashJoin";

    /// <summary>Spark's <c>StreamingSymmetricHashJoinExec</c>: only when the watermark cleans a side's state (a key or a time bound).</summary>
    public bool NeedsBatchWhenWatermarkMoves => KeyOrdinal >= 0 || ValueOffsets.Any(static offset => offset is not null);
    public StreamSchema OutputSchema { get; }

    /// <summary>Per side, the column that carries its watermark (null: none): late rows are dropped by it.</summary>
    public JoinSideTime?[] Times { get; private init; } = [null, null];

    /// <summary>The join key whose column carries the watermark (Spark's state key watermark), or -1.</summary>
    public int KeyOrdinal { get; private init; } = -1;

    /// <summary>Per side, the offset of its state value watermark from the watermark (null: its state is never evicted by value).</summary>
    public long?[] ValueOffsets { get; private init; } = [null, null];

    public static StreamJoinOperator Create(int index, string path, JoinSpec join, IPipelineEnd left, IPipelineEnd right)
    {
        if (join.JoinType == "leftAnti")
        {
            throw QueryPlanner.Invalid(path + ".joinType", "LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported: " +
                "join a static table (a right source of kind 'table'), or use a leftOuter join with watermarks and keep the rows whose right columns are NULL");
        }
        var condition = JoinCondition.Analyze(join.Condition, left.Schema, right.Schema, streaming: true);
        var sides = new[] { left, right };
        var bounds = condition.Bounds.Where(b => sides[1 - b.Side].Watermark is { } w && string.Equals(w.Name, b.OtherColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        var times = sides.Select(JoinSideTime.Of).ToArray();
        var op = new StreamJoinOperator(index, join, condition, right.StreamIndex, join.JoinType == "leftSemi" ? left.Schema : condition.Joined)
        {
            LeftWidth = left.Schema.Count,
            RightWidth = right.Schema.Count,
            Times = times,
            KeyOrdinal = KeyWithWatermark(condition, left, right),
            // Spark keeps the most cautious bound a side gets from the range conditions, and needs a watermark on that side to apply it.
            ValueOffsets = [.. Enumerable.Range(0, 2).Select(s => times[s] is null ? null : bounds.Where(b => b.Side == s).Select(b => (long?)b.OffsetMs).Min())],
        };
        CheckWatermarks(path, join.JoinType, op.KeyOrdinal >= 0, s => bounds.Any(b => b.Side == s));
        // Spark pushes a side's own conjuncts into that input unless the side is preserved (PushPredicateThroughJoin);
        // the batch checks them again, which a row that passed the pushed filter passes anyway.
        if (condition.LeftFilter is { } leftFilter && !op.Preserves(Left))
        {
            left.PushFilter(leftFilter.Syntax, join.Condition);
        }
        if (condition.RightFilter is { } rightFilter && !op.Preserves(Right))
        {
            right.PushFilter(rightFilter.Syntax, join.Condition);
        }
        return op;
    }

    /// <summary>
    /// Spark's <c>UnsupportedOperationChecker.checkForStreamStreamJoinWatermark</c>: an outer or semi join must be able to
    /// evict the side whose unmatched rows it has to settle, through a watermark in the join keys or a range condition
    /// against the other side's watermark.
    /// </summary>
    private static void CheckWatermarks(string path, string joinType, bool keyWatermark, Func<int, bool> rangeBounds)
    {
        var valid = keyWatermark || joinType switch
        {
            "leftOuter" or "leftSemi" => rangeBounds(Left),
            "rightOuter" => rangeBounds(Right),
            "fullOuter" => rangeBounds(Left) || rangeBounds(Right),
            _ => true,
        };
        if (!valid)
        {
            throw QueryPlanner.Invalid(path + ".condition",
                $"Stream-stream {SparkName(joinType)} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, " +
                "or a watermark on the nullable side and an appropriate range condition (e.g. withWatermark on both inputs and " +
                "'l_id = r_id AND r_ts BETWEEN l_ts - interval 1 minute AND l_ts + interval 1 minute'): without them the rows that never match could never be emitted");
        }
    }

    private static string SparkName(string joinType) => char.ToUpperInvariant(joinType[0]) + joinType[1..];

    /// <summary>Spark's <c>findJoinKeyOrdinalForWatermark</c>: the first key that is a left column carrying the watermark, else a right one.</summary>
    private static int KeyWithWatermark(JoinCondition condition, IPipelineEnd left, IPipelineEnd right)
    {
        for (var side = 0; side < 2; side++)
        {
            for (var k = 0; k < condition.Keys.Count; k++)
            {
                if (condition.KeySyntax[2 * k + side] is ColumnRef c && JoinSideTime.Carries(side == 0 ? left : right, c.Name))
                {
                    return k;
                }
            }
        }
        return -1;
    }

    /// <summary>
    /// Whether a side whose matched flags are never read stores each batch's rows as one entry (<see cref="SideBatch"/>);
    /// false stores every row as its own entry, as before (tests compare the two).
    /// </summary>
    internal bool BatchesRows { get; set; } = true;

    /// <summary>
    /// Whether <paramref name="side"/>'s rows with an eviction time are stored per batch: its matched flags are never
    /// read (an inner join's sides, an outer join's side that is not preserved, a left semi join's right side).
    /// </summary>
    public bool StoresPerBatch(int side) => BatchesRows && !Preserves(side) && !(Spec.JoinType == "leftSemi" && side == Left);

    /// <summary>Whether unmatched rows of <paramref name="side"/> are emitted with nulls.</summary>
    public bool Preserves(int side) => Spec.JoinType == "fullOuter" || Spec.JoinType == (side == Left ? "leftOuter" : "rightOuter");

    /// <summary>
    /// The time a stored row of <paramref name="side"/> is evicted by (see <see cref="Threshold"/>): its key's when the key
    /// carries the watermark, else its own event time.
    /// </summary>
    public long? EvictionTimeMs(int side, object?[] row)
    {
        if (KeyOrdinal >= 0)
        {
            var key = Condition.Keys[KeyOrdinal];
            return JoinSideTime.Ms((side == Left ? key.Left : key.Right).Evaluate(row));
        }
        return Times[side] is { } time && ValueOffsets[side] is not null ? JoinSideTime.Ms(row[time.Index]) : null;
    }

    /// <summary>As <see cref="EvictionTimeMs"/> when no key carries the watermark (<see cref="KeyOrdinal"/> -1): read in place.</summary>
    public long? ValueEvictionTimeMs(int side, ReadOnlySpan<object?> row) =>
        Times[side] is { } time && ValueOffsets[side] is not null ? JoinSideTime.Ms(row[time.Index]) : null;

    /// <summary>Rows of <paramref name="side"/> whose eviction time is at or below this go (null: never).</summary>
    public long? Threshold(int side, long watermarkMs) =>
        KeyOrdinal >= 0 ? watermarkMs : ValueOffsets[side] is { } offset ? watermarkMs + offset : null;

    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["op"] = "join",
        ["joinType"] = Spec.JoinType,
        ["condition"] = Spec.Condition,
        ["input"] = Condition.Joined.Describe(),
    };

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var side = context.StreamIndex == RightStream ? Right : Left;
        var keyValues = new object?[Condition.Keys.Count];
        foreach (var row in rows)
        {
            RouteRow(side, row, tagged: null, keyValues, context, output, late);
        }
    }

    /// <summary>
    /// Every batch of a columnar prefix: each row is made once from the columns with its side tag in front (the row the
    /// key group reads), where the row path makes the row and then a tagged copy of it.
    /// </summary>
    public bool RoutesColumns => true;

    /// <summary>Every column of the wider side: the route makes whole rows (a narrower side's stream then reads every source column).</summary>
    public IReadOnlyCollection<int> InputColumns => [.. Enumerable.Range(0, Math.Max(LeftWidth, RightWidth))];

    /// <summary>Routes the batch's selected rows as <see cref="Route(List{object?[]}, BatchContext, KeyGroupRouter, LateRowSet)"/> routes the same rows.</summary>
    public void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var side = context.StreamIndex == RightStream ? Right : Left;
        var width = side == Left ? LeftWidth : RightWidth;
        if (batch.Schema.Count != width)
        {
            throw new InvalidOperationException($"the join's {(side == Left ? "left" : "right")} side has {width} columns, its stream's batch {batch.Schema.Count}");
        }
        var columns = new ColumnVector[width];
        for (var c = 0; c < width; c++)
        {
            columns[c] = batch.Column(c);
        }
        // The row without its tag, for the watermark and the key: the same boxes, in an array reused for every row.
        var row = new object?[width];
        var keyValues = new object?[Condition.Keys.Count];
        var count = batch.SelectedCount;
        for (var i = 0; i < count; i++)
        {
            var r = batch.RowAt(i);
            var tagged = new object?[width + 1];
            for (var c = 0; c < width; c++)
            {
                row[c] = tagged[c + 1] = columns[c].GetValue(r);
            }
            RouteRow(side, row, tagged, keyValues, context, output, late);
        }
    }

    /// <param name="tagged">The row's values after an empty first slot for the side tag (null: make it from <paramref name="row"/>);
    /// when given, <paramref name="row"/> is a reused array and a late row is taken from it.</param>
    private void RouteRow(int side, object?[] row, object?[]? tagged, object?[] keyValues, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        if (Times[side] is { } time && JoinSideTime.Ms(row[time.Index]) is { } ms && ms <= context.WatermarkMs)
        {
            late.Add(tagged is null ? row : tagged[1..]);
            return;
        }
        if (Condition.KeyOf(side, row, keyValues) is { } key)
        {
            output.Add(key, Tagged(side, row, tagged));
        }
        else if (Preserves(side))
        {
            // A NULL key never matches (SQL equality), yet the preserved side keeps the row until it is evicted and
            // then emits it with nulls, as Spark does; the other side's NULL-key rows are filtered out before the join.
            output.Add([], Tagged(side + 2, row, tagged));
        }
    }

    private static object?[] Tagged(int tag, object?[] row, object?[]? tagged)
    {
        if (tagged is null)
        {
            return [SideTags[tag], .. row];
        }
        tagged[0] = SideTags[tag];
        return tagged;
    }

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache)
    {
        if (cache.Value is not JoinStateCache state)
        {
            // Rebuilt from the store when it opens (or after a batch was cut short); kept while batches commit.
            cache.Value = state = JoinStateCache.Build(store, cache.Budget);
        }
        return new StreamJoinBatch(this, store, state);
    }

    internal static byte[] Prefix(int side, byte[] key) => RowCodec.Encode([side, key]);

    /// <summary>A stored row's key: side, join key, the batch that stored it, its place in that batch.</summary>
    internal static byte[] StateKey(int side, byte[] key, long batch, long n) => RowCodec.Encode([side, key, batch, n]);
}
