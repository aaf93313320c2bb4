namespace Sluice.Expressions;

/// <summary>Generic traversal of the syntax tree, for planners that look for aggregates, windows or columns.</summary>
internal static class ExprTree
{
    public static IEnumerable<Expr> Children(Expr expr)
    {
        switch (expr)
        {
            case FieldAccess f:
                yield return f.Target;
                break;
            case UnaryExpr u:
                yield return u.Operand;
                break;
            case BinaryExpr b:
                yield return b.Left;
                yield return b.Right;
                break;
            case IsNullExpr n:
                yield return n.Operand;
                break;
            case InExpr i:
                yield return i.Value;
                foreach (var item in i.List)
                {
                    yield return item;
                }
                break;
            case BetweenExpr b:
                yield return b.Value;
                yield return b.Low;
                yield return b.High;
                break;
            case LikeExpr l:
                yield return l.Value;
                yield return l.Pattern;
                break;
            case CaseExpr c:
                if (c.Operand is not null)
                {
                    yield return c.Operand;
                }
                foreach (var branch in c.Branches)
                {
                    yield return branch.Condition;
                    yield return branch.Result;
                }
                if (c.Else is not null)
                {
                    yield return c.Else;
                }
                break;
            case CastExpr c:
                yield return c.Operand;
                break;
            case FunctionCall f:
                foreach (var argument in f.Arguments)
                {
                    yield return argument;
                }
                break;
            case AggregateCall { Argument: { } argument } call:
                yield return argument;
                if (call.Second is { } second)
                {
                    yield return second;
                }
                break;
            case WindowExpr w:
                yield return w.TimeColumn;
                break;
            case SessionWindowExpr s:
                yield return s.TimeColumn;
                if (s.GapExpression is { } gap)
                {
                    yield return gap;
                }
                break;
            case AliasExpr a:
                yield return a.Inner;
                break;
        }
    }

    /// <summary>True when <paramref name="expr"/> or any node below it matches.</summary>
    public static bool Any(Expr expr, Func<Expr, bool> predicate)
    {
        if (predicate(expr))
        {
            return true;
        }
        foreach (var child in Children(expr))
        {
            if (Any(child, predicate))
            {
                return true;
            }
        }
        return false;
    }
}
