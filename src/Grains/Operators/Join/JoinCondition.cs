using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Operators.Join;

/// <summary>
/// A join condition taken apart: equality conjuncts between a left and a right expression are the join keys; the
/// rest is a predicate on the joined row; conjuncts bounding <c>leftTime - rightTime</c> give the event-time range
/// that lets state go (Spark's StreamingJoinHelper, for the forms <c>l.t &gt;= r.t - interval ...</c>,
/// <c>l.t &lt;= r.t + interval ...</c> and <c>l.t BETWEEN r.t - interval ... AND r.t + interval ...</c>).
/// </summary>
internal sealed class JoinCondition
{
    private JoinCondition(IReadOnlyList<CompiledExpression> leftKeys, IReadOnlyList<CompiledExpression> rightKeys, CompiledExpression? residual, StreamSchema joined)
    {
        LeftKeys = leftKeys;
        RightKeys = rightKeys;
        Residual = residual;
        Joined = joined;
    }

    public IReadOnlyList<CompiledExpression> LeftKeys { get; }

    public IReadOnlyList<CompiledExpression> RightKeys { get; }

    /// <summary>What else the joined row must satisfy (null: nothing).</summary>
    public CompiledExpression? Residual { get; }

    /// <summary>Left columns, then right columns.</summary>
    public StreamSchema Joined { get; }

    /// <summary>Lower bound of <c>leftTime - rightTime</c> in ms, when the condition gives one.</summary>
    public long? MinLeftMinusRightMs { get; private set; }

    /// <summary>Upper bound of <c>leftTime - rightTime</c> in ms, when the condition gives one.</summary>
    public long? MaxLeftMinusRightMs { get; private set; }

    public static JoinCondition Analyze(string text, StreamSchema left, StreamSchema right, string? leftTime, string? rightTime)
    {
        var ambiguous = left.Columns.Select(c => c.Name).Intersect(right.Columns.Select(c => c.Name), StringComparer.OrdinalIgnoreCase).ToList();
        if (ambiguous.Count > 0)
        {
            throw new ExpressionException($"column '{ambiguous[0]}' is on both sides of the join; rename it with a select in one of the inputs", text);
        }
        var joined = new StreamSchema([.. left.Columns, .. right.Columns]);
        var leftKeys = new List<CompiledExpression>();
        var rightKeys = new List<CompiledExpression>();
        var rest = new List<Expr>();
        long? lo = null, hi = null;
        foreach (var conjunct in Conjuncts(ExpressionCompiler.Parse(text)))
        {
            if (conjunct is BinaryExpr { Operator: BinaryOperator.Equal } eq && Side(eq.Left, left, right) is var l && Side(eq.Right, left, right) is var r && l != r && l != 0 && r != 0)
            {
                var (leftSide, rightSide) = l < 0 ? (eq.Left, eq.Right) : (eq.Right, eq.Left);
                leftKeys.Add(ExpressionCompiler.Compile(leftSide, left, text));
                rightKeys.Add(ExpressionCompiler.Compile(rightSide, right, text));
                continue;
            }
            rest.Add(conjunct);
            if (leftTime is not null && rightTime is not null && TimeRange.Bound(conjunct, leftTime, rightTime) is { } bound)
            {
                (lo, hi) = (bound.Lower is { } a ? Math.Max(lo ?? long.MinValue, a) : lo, bound.Upper is { } b ? Math.Min(hi ?? long.MaxValue, b) : hi);
            }
        }
        if (leftKeys.Count == 0)
        {
            throw new ExpressionException("a join needs at least one equality between a left and a right column (an equi-join); Sluice, like Spark, does not join streams on other conditions alone", text);
        }
        var residual = rest.Count == 0 ? null : ExpressionCompiler.Compile(rest.Aggregate((a, b) => new BinaryExpr(BinaryOperator.And, a, b)), joined, text);
        if (residual is not null && residual.Type.Kind is not (DataTypeKind.Boolean or DataTypeKind.Null))
        {
            throw new ExpressionException($"a join condition must be boolean, not {residual.Type}", text);
        }
        return new JoinCondition(leftKeys, rightKeys, residual, joined) { MinLeftMinusRightMs = lo, MaxLeftMinusRightMs = hi };
    }

    private static IEnumerable<Expr> Conjuncts(Expr e) =>
        e is BinaryExpr { Operator: BinaryOperator.And } and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [e];

    /// <summary>-1 when the expression reads only left columns, +1 only right ones, 0 otherwise.</summary>
    private static int Side(Expr e, StreamSchema left, StreamSchema right)
    {
        var columns = TimeRange.Descendants(e).OfType<ColumnRef>().Select(c => c.Name).ToList();
        if (columns.Count == 0)
        {
            return 0;
        }
        if (columns.All(c => left.IndexOf(c) >= 0))
        {
            return -1;
        }
        return columns.All(c => right.IndexOf(c) >= 0) ? 1 : 0;
    }
}
