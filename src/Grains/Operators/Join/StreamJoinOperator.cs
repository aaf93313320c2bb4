using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// A stream-stream join (Spark's StreamingSymmetricHashJoinExec): both inputs' rows are kept in the key group of their
/// join key; each new row joins the other side's stored rows. With watermarks on both sides and a time range in the
/// condition, rows that can no longer match are evicted, and outer joins then emit the rows that never matched, with
/// nulls. Append mode only, as in Spark.
/// </summary>
internal sealed class StreamJoinOperator : IStatefulOperator
{
    private StreamJoinOperator(int index, JoinSpec spec, JoinCondition condition, int rightStream, int leftTime, int rightTime, int leftWidth, int rightWidth, StreamSchema output)
    {
        Index = index;
        Spec = spec;
        Condition = condition;
        RightStream = rightStream;
        LeftTime = leftTime;
        RightTime = rightTime;
        LeftWidth = leftWidth;
        RightWidth = rightWidth;
        OutputSchema = output;
    }

    public int Index { get; }
    public JoinSpec Spec { get; }
    public JoinCondition Condition { get; }
    public int RightStream { get; }
    public int LeftTime { get; }
    public int RightTime { get; }
    public int LeftWidth { get; }
    public int RightWidth { get; }
    public string Name => "symmetricHashJoin";
    public StreamSchema OutputSchema { get; }

    /// <summary>Whether state can be evicted: watermarks on both sides and a bounded time range in the condition.</summary>
    public bool CanEvictLeft => LeftTime >= 0 && RightTime >= 0 && Condition.MinLeftMinusRightMs is not null;

    public bool CanEvictRight => LeftTime >= 0 && RightTime >= 0 && Condition.MaxLeftMinusRightMs is not null;

    public static StreamJoinOperator Create(QuerySpec spec, int index, string path, JoinSpec join, StreamBuilder left, StreamBuilder right)
    {
        var condition = JoinCondition.Analyze(join.Condition, left.Schema, right.Schema, left.Watermark?.Name, right.Watermark?.Name);
        var op = new StreamJoinOperator(index, join, condition, right.Index, left.Watermark?.Index ?? -1, right.Watermark?.Index ?? -1,
            left.Schema.Count, right.Schema.Count, join.JoinType == "leftSemi" ? left.Schema : condition.Joined);
        var needs = join.JoinType switch
        {
            "leftOuter" or "leftSemi" => op.CanEvictLeft,
            "rightOuter" => op.CanEvictRight,
            _ => true,
        };
        if (!needs)
        {
            throw QueryPlanner.Invalid(path + ".condition",
                $"Stream-stream {join.JoinType} join between two streaming DataFrame/Datasets is not supported without a watermark on both inputs and a time range condition " +
                "(e.g. 'l_id = r_id AND r_ts BETWEEN l_ts - interval 1 minute AND l_ts + interval 1 minute'): without them the rows that never match could never be emitted");
        }
        return op;
    }

    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["op"] = "join",
        ["joinType"] = Spec.JoinType,
        ["condition"] = Spec.Condition,
        ["input"] = Condition.Joined.Describe(),
    };

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var side = context.StreamIndex == RightStream ? 1 : 0;
        var time = side == 0 ? LeftTime : RightTime;
        var keys = side == 0 ? Condition.LeftKeys : Condition.RightKeys;
        foreach (var row in rows)
        {
            if (time >= 0 && row[time] is DateTime t && EventTimes.ToMs(t) <= context.WatermarkMs)
            {
                late.Add(row);
                continue;
            }
            var key = StaticJoinOperator.KeyOf(keys, row);
            // A NULL key never matches: only an outer join's preserved side keeps such a row (and emits it at once).
            output.Add(key ?? [], [key is null ? side + 2 : side, .. row]);
        }
    }

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache) => new StreamJoinBatch(this, store);

    internal static byte[] Prefix(int side, byte[] key) => RowCodec.Encode([side, key]);
}
