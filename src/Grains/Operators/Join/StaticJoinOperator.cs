using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Operators.Join;

/// <summary>
/// A stream-static join (Spark's join of a stream with a batch table): the table is loaded once when the query starts
/// and every partition agent joins its rows against it by hash. Inner, left outer, left semi and left anti, as Spark
/// allows with the static side on the right.
/// </summary>
internal sealed class StaticJoinOperator : IRowOperator
{
    private readonly JoinCondition _condition;
    private readonly Dictionary<byte[], List<object?[]>> _table = new(ByteKeyComparer.Instance);
    private readonly string _joinType;
    private readonly int _rightWidth;

    private StaticJoinOperator(JoinCondition condition, string joinType, int rightWidth, StreamSchema output)
    {
        _condition = condition;
        _joinType = joinType;
        _rightWidth = rightWidth;
        OutputSchema = output;
    }

    public StreamSchema OutputSchema { get; }

    public static StaticJoinOperator Create(string path, JoinSpec join, StreamSchema left, StreamBuilder right)
    {
        if (join.JoinType is "rightOuter")
        {
            throw QueryPlanner.Invalid(path + ".joinType", "RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right is not supported; use inner, leftOuter, leftSemi or leftAnti");
        }
        if (join.JoinType is "fullOuter")
        {
            throw QueryPlanner.Invalid(path + ".joinType", "FullOuter joins with streaming DataFrames/Datasets on the left and a static DataFrame/Dataset on the right is not supported; use inner, leftOuter, leftSemi or leftAnti");
        }
        try
        {
            return Build(path, join, left, right);
        }
        catch (BatchTime.OutsideBatchException)
        {
            throw QueryPlanner.Invalid(path + ".right", BatchTime.OutsideBatchProblem("the static side of a stream-static join (computed once at start)"));
        }
    }

    private static StaticJoinOperator Build(string path, JoinSpec join, StreamSchema left, StreamBuilder right)
    {
        var rows = StaticTable.Load(right.Source, right.SourceSchema);
        right.Build().Prefix.ToList().ForEach(op => op.Apply(rows, new BatchContext(0, 0, 0)));
        var condition = QueryPlanner.Compile(path + ".condition", () => JoinCondition.Analyze(join.Condition, left, right.Schema, streaming: false));
        var output = join.JoinType is "leftSemi" or "leftAnti" ? left : condition.Joined;
        var op = new StaticJoinOperator(condition, join.JoinType, right.Schema.Count, output);
        foreach (var row in rows)
        {
            if (condition.KeyOf(1, row) is { } key)
            {
                if (!op._table.TryGetValue(key, out var matches))
                {
                    op._table[key] = matches = [];
                }
                matches.Add(row);
            }
        }
        return op;
    }

    public void Apply(List<object?[]> rows, BatchContext context)
    {
        var output = new List<object?[]>(rows.Count);
        foreach (var left in rows)
        {
            var matched = false;
            if (_condition.KeyOf(0, left) is { } key && _table.TryGetValue(key, out var candidates))
            {
                foreach (var right in candidates)
                {
                    object?[] joined = [.. left, .. right];
                    if (_condition.All is null || _condition.All.IsTrue(joined))
                    {
                        matched = true;
                        if (_joinType is "leftSemi" or "leftAnti")
                        {
                            break;
                        }
                        output.Add(joined);
                    }
                }
            }
            if ((_joinType == "leftSemi" && matched) || (_joinType == "leftAnti" && !matched))
            {
                output.Add(left);
            }
            else if (_joinType == "leftOuter" && !matched)
            {
                output.Add([.. left, .. new object?[_rightWidth]]);
            }
        }
        rows.Clear();
        rows.AddRange(output);
    }
}
