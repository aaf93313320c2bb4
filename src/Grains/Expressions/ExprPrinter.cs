using System.Globalization;
using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Spec;

namespace Sluice.Expressions;

/// <summary>
/// Spark's SQL text for an expression, which is also the name Spark gives an unaliased select column:
/// <c>upper(name)</c>, <c>(amount * 2)</c>, <c>(NOT (a = b))</c>, <c>count(1)</c>. As in Spark's
/// <c>usePrettyExpression</c>, string literals print bare and columns print as the schema spells them.
/// </summary>
internal static class ExprPrinter
{
    /// <summary>The column name Spark gives <paramref name="expr"/> in a select list or groupBy.</summary>
    public static string AutoName(Expr expr, StreamSchema? schema) => expr switch
    {
        AliasExpr a => a.Name,
        FieldAccess f => FieldName(f, schema),
        WindowExpr => "window",
        SessionWindowExpr => "session_window",
        _ => Print(expr, schema),
    };

    public static string Print(Expr expr, StreamSchema? schema) => expr switch
    {
        Literal l => PrintLiteral(l),
        IntervalLiteral i => $"INTERVAL '{Durations.Format(i.Value)}'",
        ColumnRef c => schema is not null && schema.IndexOf(c.Name) is >= 0 and var index ? schema[index].Name : c.Name,
        FieldAccess f => $"{Print(f.Target, schema)}.{FieldName(f, schema)}",
        UnaryExpr { Operator: UnaryOperator.Negate } u => $"(- {Print(u.Operand, schema)})",
        UnaryExpr u => $"(NOT {Print(u.Operand, schema)})",
        BinaryExpr { Operator: BinaryOperator.Concat } b => $"concat({Print(b.Left, schema)}, {Print(b.Right, schema)})",
        BinaryExpr { Operator: BinaryOperator.NotEqual } b => $"(NOT ({Print(b.Left, schema)} = {Print(b.Right, schema)}))",
        BinaryExpr b => $"({Print(b.Left, schema)} {Symbol(b.Operator)} {Print(b.Right, schema)})",
        IsNullExpr n => $"({Print(n.Operand, schema)} IS {(n.Negated ? "NOT " : "")}NULL)",
        InExpr i => Negate(i.Negated, $"({Print(i.Value, schema)} IN ({List(i.List, schema)}))"),
        BetweenExpr b => Negate(b.Negated, $"({Print(b.Value, schema)} BETWEEN {Print(b.Low, schema)} AND {Print(b.High, schema)})"),
        LikeExpr l => Negate(l.Negated, $"{Print(l.Value, schema)} LIKE {Print(l.Pattern, schema)}"),
        CaseExpr c => PrintCase(c, schema),
        CastExpr c => $"CAST({Print(c.Operand, schema)} AS {c.TargetType.ToString().ToUpperInvariant()})",
        FunctionCall f => $"{f.Name}({List(f.Arguments, schema)})",
        AggregateCall { Argument: null } a => $"{a.Name}(1)",
        // Spark's automatic name lists an aggregate's children: max_by's ordering is one, first's ignoreNulls and
        // approx_count_distinct's relativeSD are parameters, so first(x, true) is named first(x).
        AggregateCall { Second: { } second, Name: "max_by" or "min_by" } a => $"{a.Name}({Print(a.Argument!, schema)}, {Print(second, schema)})",
        AggregateCall a => $"{a.Name}({(a.Distinct ? "DISTINCT " : "")}{Print(a.Argument!, schema)})",
        WindowExpr w => PrintWindow(w, schema),
        SessionWindowExpr s => $"session_window({Print(s.TimeColumn, schema)}, {(s.GapExpression is { } gap ? Print(gap, schema) : Durations.Format(s.Gap))})",
        AliasExpr a => $"{Print(a.Inner, schema)} AS {a.Name}",
        _ => throw new ArgumentOutOfRangeException(nameof(expr), expr.GetType().Name, "unknown expression node"),
    };

    /// <summary>The field's name as its struct type spells it, when the struct is a column or a window.</summary>
    private static string FieldName(FieldAccess access, StreamSchema? schema)
    {
        var type = access.Target switch
        {
            WindowExpr => DataType.Window,
            ColumnRef c when schema is not null && schema.IndexOf(c.Name) is >= 0 and var index => schema[index].Type,
            _ => null,
        };
        var field = type?.Fields.FirstOrDefault(f => string.Equals(f.Name, access.Field, StringComparison.OrdinalIgnoreCase));
        return field?.Name ?? access.Field;
    }

    private static string PrintLiteral(Literal literal) => literal.Value switch
    {
        null => "NULL",
        string s => s,
        bool b => b ? "true" : "false",
        double d => DoubleText.Format(d),
        DateTime t => $"TIMESTAMP '{TimestampText.Format(t)}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    private static string PrintCase(CaseExpr c, StreamSchema? schema)
    {
        var parts = new List<string> { "CASE" };
        if (c.Operand is not null)
        {
            parts.Add(Print(c.Operand, schema));
        }
        foreach (var branch in c.Branches)
        {
            parts.Add($"WHEN {Print(branch.Condition, schema)} THEN {Print(branch.Result, schema)}");
        }
        if (c.Else is not null)
        {
            parts.Add($"ELSE {Print(c.Else, schema)}");
        }
        parts.Add("END");
        return string.Join(' ', parts);
    }

    private static string PrintWindow(WindowExpr w, StreamSchema? schema)
    {
        var text = $"window({Print(w.TimeColumn, schema)}, {Durations.Format(w.Size)}";
        if (!w.IsTumbling || w.StartOffset != TimeSpan.Zero)
        {
            text += $", {Durations.Format(w.Slide)}";
        }
        if (w.StartOffset != TimeSpan.Zero)
        {
            text += $", {Durations.Format(w.StartOffset)}";
        }
        return text + ")";
    }

    private static string List(IReadOnlyList<Expr> items, StreamSchema? schema) =>
        string.Join(", ", items.Select(item => Print(item, schema)));

    private static string Negate(bool negated, string text) => negated ? $"(NOT {text})" : text;

    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Remainder => "%",
        BinaryOperator.Concat => "||",
        BinaryOperator.Equal => "=",
        BinaryOperator.NullSafeEqual => "<=>",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.And => "AND",
        BinaryOperator.Or => "OR",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };
}
