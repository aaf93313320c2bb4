using Sluice.Expressions;

namespace Sluice.Operators.Join;

/// <summary>
/// What one comparison between the two sides' time columns says about state: rows of <see cref="Side"/> (0 left,
/// 1 right) whose <see cref="Column"/> is at or below <c>watermark + OffsetMs</c> can no longer match, when
/// <see cref="OtherColumn"/> is the other side's watermarked column (Spark's state value watermark).
/// </summary>
internal readonly record struct StateBound(int Side, string Column, string OtherColumn, long OffsetMs);

/// <summary>
/// Reads state bounds out of a join conjunct, as Spark's <c>StreamingJoinHelper.getStateValueWatermark</c>: a
/// comparison <c>a &lt; b</c> between <c>col [+|- interval]</c> terms of the two sides bounds the side of <c>b</c> from below
/// by <c>watermark + (offset of a - offset of b)</c>. Spark cleans state inclusively of that bound, so for <c>&lt;=</c> and
/// <c>&gt;=</c> (where the bound itself can still match) it takes one millisecond less; BETWEEN is the two of them.
/// </summary>
internal static class TimeRange
{
    /// <param name="sideOf">0 for a left column, 1 for a right one, -1 for neither.</param>
    public static IEnumerable<StateBound> Bounds(Expr conjunct, Func<string, int> sideOf) => conjunct switch
    {
        BetweenExpr { Negated: false } between =>
            Bounds(new BinaryExpr(BinaryOperator.GreaterOrEqual, between.Value, between.Low), sideOf)
                .Concat(Bounds(new BinaryExpr(BinaryOperator.LessOrEqual, between.Value, between.High), sideOf)),
        BinaryExpr { Operator: BinaryOperator.Less or BinaryOperator.LessOrEqual } cmp => Solve(cmp.Left, cmp.Right, cmp.Operator == BinaryOperator.LessOrEqual, sideOf),
        BinaryExpr { Operator: BinaryOperator.Greater or BinaryOperator.GreaterOrEqual } cmp => Solve(cmp.Right, cmp.Left, cmp.Operator == BinaryOperator.GreaterOrEqual, sideOf),
        _ => [],
    };

    /// <summary><c>lower &lt; upper</c> (or <c>&lt;=</c>): the side of <c>upper</c> is bounded by the other side's watermark.</summary>
    private static IEnumerable<StateBound> Solve(Expr lower, Expr upper, bool inclusive, Func<string, int> sideOf)
    {
        if (Term(lower) is not { } low || Term(upper) is not { } up)
        {
            yield break;
        }
        var (lowSide, upSide) = (sideOf(low.Column), sideOf(up.Column));
        if (lowSide < 0 || upSide < 0 || lowSide == upSide)
        {
            yield break;
        }
        yield return new StateBound(upSide, up.Column, low.Column, low.Offset - up.Offset - (inclusive ? 1 : 0));
    }

    /// <summary><c>col</c>, <c>col + interval</c> or <c>col - interval</c>, as (column, offset in ms).</summary>
    private static (string Column, long Offset)? Term(Expr e) => e switch
    {
        ColumnRef c => (c.Name, 0),
        BinaryExpr { Operator: BinaryOperator.Add, Left: ColumnRef c, Right: IntervalLiteral i } => (c.Name, Ms(i)),
        BinaryExpr { Operator: BinaryOperator.Add, Left: IntervalLiteral i, Right: ColumnRef c } => (c.Name, Ms(i)),
        BinaryExpr { Operator: BinaryOperator.Subtract, Left: ColumnRef c, Right: IntervalLiteral i } => (c.Name, -Ms(i)),
        _ => null,
    };

    private static long Ms(IntervalLiteral i) => (long)i.Value.TotalMilliseconds;

    public static IEnumerable<Expr> Descendants(Expr e) => ExprTree.Children(e).SelectMany(Descendants).Prepend(e);
}
