using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Planning;

/// <summary>
/// Spark's predicate pushdown into a join input (<c>PushPredicateThroughJoin</c>, then through projections and
/// through <c>EventTimeWatermark</c> when the predicate does not read the event-time column): a conjunct of the join
/// condition that reads one input only is evaluated where that input's watermark observes its rows, so rows it
/// rejects neither move the watermark nor count as late. The predicate, written against the input's final columns,
/// is rewritten through the selects after <c>withWatermark</c> by substituting each column with its definition.
/// </summary>
internal static class PushedFilter
{
    /// <summary>The predicate over the columns before the given selects (each: its output schema and expressions).</summary>
    public static Expr Through(Expr predicate, IReadOnlyList<(StreamSchema Output, IReadOnlyList<Expr> Selected)> selects)
    {
        for (var i = selects.Count - 1; i >= 0; i--)
        {
            var (output, selected) = selects[i];
            predicate = Replace(predicate, c => output.IndexOf(c.Name) is var at and >= 0 ? (selected[at] is AliasExpr a ? a.Inner : selected[at]) : null);
        }
        return predicate;
    }

    private static Expr Replace(Expr e, Func<ColumnRef, Expr?> column)
    {
        Expr R(Expr x) => Replace(x, column);
        return e switch
        {
            ColumnRef c => column(c) ?? c,
            FieldAccess f => f with { Target = R(f.Target) },
            UnaryExpr u => u with { Operand = R(u.Operand) },
            BinaryExpr b => b with { Left = R(b.Left), Right = R(b.Right) },
            IsNullExpr n => n with { Operand = R(n.Operand) },
            InExpr i => i with { Value = R(i.Value), List = [.. i.List.Select(R)] },
            BetweenExpr b => b with { Value = R(b.Value), Low = R(b.Low), High = R(b.High) },
            LikeExpr l => l with { Value = R(l.Value), Pattern = R(l.Pattern) },
            CaseExpr c => c with
            {
                Operand = c.Operand is null ? null : R(c.Operand),
                Branches = [.. c.Branches.Select(w => new WhenClause(R(w.Condition), R(w.Result)))],
                Else = c.Else is null ? null : R(c.Else),
            },
            CastExpr c => c with { Operand = R(c.Operand) },
            FunctionCall f => f with { Arguments = [.. f.Arguments.Select(R)] },
            WindowExpr w => w with { TimeColumn = R(w.TimeColumn) },
            AliasExpr a => a with { Inner = R(a.Inner) },
            _ => e,
        };
    }

    /// <summary>Whether the predicate reads the named column.</summary>
    public static bool Reads(Expr predicate, string column) =>
        ExprTree.Any(predicate, x => x is ColumnRef c && string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase));
}
