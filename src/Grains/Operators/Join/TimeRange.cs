using Sluice.Expressions;

namespace Sluice.Operators.Join;

/// <summary>Reads a bound on <c>leftTime - rightTime</c> (ms) out of one comparison between the two event-time columns.</summary>
internal static class TimeRange
{
    public static (long? Lower, long? Upper)? Bound(Expr conjunct, string leftTime, string rightTime) => conjunct switch
    {
        BetweenExpr { Negated: false } between =>
            Combine(Bound(new BinaryExpr(BinaryOperator.GreaterOrEqual, between.Value, between.Low), leftTime, rightTime),
                    Bound(new BinaryExpr(BinaryOperator.LessOrEqual, between.Value, between.High), leftTime, rightTime)),
        BinaryExpr { Operator: BinaryOperator.Greater or BinaryOperator.GreaterOrEqual or BinaryOperator.Less or BinaryOperator.LessOrEqual } cmp
            when Term(cmp.Left) is { } a && Term(cmp.Right) is { } b => Compare(cmp.Operator, a, b, leftTime, rightTime),
        _ => null,
    };

    private static (long?, long?)? Compare(BinaryOperator op, (string Column, long Offset) a, (string Column, long Offset) b, string leftTime, string rightTime)
    {
        var greater = op is BinaryOperator.Greater or BinaryOperator.GreaterOrEqual;
        if (Same(a.Column, leftTime) && Same(b.Column, rightTime))
        {
            // L + oa (op) R + ob  =>  L - R (op) ob - oa
            var c = b.Offset - a.Offset;
            return greater ? (c, null) : (null, c);
        }
        if (Same(a.Column, rightTime) && Same(b.Column, leftTime))
        {
            // R + oa (op) L + ob  =>  L - R (reversed op) oa - ob
            var c = a.Offset - b.Offset;
            return greater ? (null, c) : (c, null);
        }
        return null;
    }

    /// <summary><c>col</c>, <c>col + interval</c> or <c>col - interval</c>, as (column, offset in ms).</summary>
    private static (string, long)? Term(Expr e) => e switch
    {
        ColumnRef c => (c.Name, 0),
        BinaryExpr { Operator: BinaryOperator.Add, Left: ColumnRef c, Right: IntervalLiteral i } => (c.Name, Ms(i)),
        BinaryExpr { Operator: BinaryOperator.Add, Left: IntervalLiteral i, Right: ColumnRef c } => (c.Name, Ms(i)),
        BinaryExpr { Operator: BinaryOperator.Subtract, Left: ColumnRef c, Right: IntervalLiteral i } => (c.Name, -Ms(i)),
        _ => null,
    };

    private static long Ms(IntervalLiteral i) => (long)i.Value.TotalMilliseconds;

    private static (long?, long?)? Combine((long? Lower, long? Upper)? a, (long? Lower, long? Upper)? b) =>
        a is null && b is null ? null : (a?.Lower ?? b?.Lower, a?.Upper ?? b?.Upper);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<Expr> Descendants(Expr e) => ExprTree.Children(e).SelectMany(Descendants).Prepend(e);
}
