using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Expressions.Functions;

namespace Sluice.Expressions.Binding;

/// <summary>
/// Resolves columns against the input schema, type-checks and inserts Spark's implicit casts, and compiles each
/// node to a delegate. Every type error surfaces here, before the first row: evaluation only ever yields nulls.
/// </summary>
/// <param name="schema">The input columns.</param>
/// <param name="source">The text the syntax tree was parsed from (node positions refer to it), or null.</param>
/// <param name="text">The expression text quoted in messages.</param>
internal sealed partial class Binder(StreamSchema schema, string? source, string text)
{
    public string Text => text;

    public BoundExpression Bind(Expr expr) => expr switch
    {
        Literal l => BoundExpression.Constant(l.Type, l.Value),
        ColumnRef c => BindColumn(c),
        FieldAccess f => BindField(f),
        UnaryExpr u => BindUnary(u),
        BinaryExpr b => BindBinary(b),
        IsNullExpr n => BindIsNull(n),
        InExpr i => BindIn(i),
        BetweenExpr b => BindBetween(b),
        LikeExpr l => BindLike(l),
        CaseExpr c => BindCase(c),
        CastExpr c => BindCast(c),
        FunctionCall f => FunctionRegistry.Bind(this, f),
        WindowExpr w => BindWindow(w),
        IntervalLiteral i => throw Error(i, $"the interval {Quote(i)} can only be added to or subtracted from a timestamp"),
        AggregateCall a => throw Error(a, $"aggregate function {Quote(a, quoted: false)} is not allowed here", "use a groupBy operator"),
        SessionWindowExpr s => throw Error(s, $"{Quote(s, quoted: false)} is only allowed as a groupBy key",
            "group by it and another key (Sluice does not compute a row's own session outside a grouping, as Spark's select does)"),
        AliasExpr a => throw Error(a, $"an alias ('AS {a.Name}') is only allowed at the top of a select column"),
        _ => throw new ArgumentOutOfRangeException(nameof(expr), expr.GetType().Name, "unknown expression node"),
    };

    /// <summary>The source text of <paramref name="expr"/>, quoted: <c>'amount * 2'</c>.</summary>
    public string Quote(Expr expr, bool quoted = true)
    {
        var slice = source is not null && expr.End > expr.Start && expr.End <= source.Length ? source[expr.Start..expr.End] : expr.ToString();
        return quoted ? $"'{slice}'" : slice;
    }

    public ExpressionException Error(Expr at, string problem, string? hint = null) =>
        new($"{problem} in '{text}'{(hint is null ? "" : "; " + hint)}", text, source is null ? null : at.Start);

    /// <summary>Casts a value to <paramref name="to"/> where Spark would do so implicitly; otherwise a type error.</summary>
    public BoundExpression ImplicitCast(BoundExpression value, DataType to, Expr at, string role) =>
        TypeCoercion.CanImplicitlyCast(value.Type, to)
            ? Casts.Apply(value, to)
            : throw Error(at, $"{role} must be of type {to}, but {Quote(at)} is of type {value.Type}");

    public BoundExpression BindBoolean(Expr expr, string role) => ImplicitCast(Bind(expr), DataType.Boolean, expr, role);

    private BoundExpression BindColumn(ColumnRef column)
    {
        var index = schema.IndexOf(column.Name);
        return index >= 0
            ? BoundExpression.Column(schema[index].Type, index)
            : throw Error(column, $"unknown column '{column.Name}'", $"available columns: {string.Join(", ", schema.Columns.Select(c => c.Name))}");
    }

    private BoundExpression BindField(FieldAccess access)
    {
        var target = Bind(access.Target);
        if (target.Type.Kind != DataTypeKind.Struct)
        {
            throw Error(access, $"cannot read field '{access.Field}' of {Quote(access.Target)}, which is of type {target.Type}, not a struct");
        }
        var fields = target.Type.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i].Name, access.Field, StringComparison.OrdinalIgnoreCase))
            {
                return BoundExpression.Of(fields[i].Type, GenericOperators.Field(fields[i].Type, target.As<StructValue?>(), i), target);
            }
        }
        throw Error(access, $"no field '{access.Field}' in {Quote(access.Target)} of type {target.Type}",
            $"available fields: {string.Join(", ", fields.Select(f => f.Name))}");
    }

    private BoundExpression BindIsNull(IsNullExpr isNull)
    {
        var operand = Bind(isNull.Operand);
        return BoundExpression.Of(DataType.Boolean, GenericOperators.IsNull(operand.Type, operand.Evaluator, isNull.Negated), operand);
    }

    private BoundExpression BindCast(CastExpr cast)
    {
        var operand = Bind(cast.Operand);
        return Casts.IsSupported(operand.Type, cast.TargetType)
            ? Casts.Apply(operand, cast.TargetType)
            : throw Error(cast, $"cannot cast {Quote(cast.Operand)} from {operand.Type} to {cast.TargetType}");
    }

    private BoundExpression BindWindow(WindowExpr window)
    {
        if (!window.IsTumbling)
        {
            throw Error(window, $"sliding {Quote(window, quoted: false)} is only allowed as a groupBy key (Sluice does not expand a row into one row per window, as Spark's select does); group by it, or use a tumbling window here");
        }
        var time = ImplicitCast(Bind(window.TimeColumn), DataType.Timestamp, window.TimeColumn, "the time column of window()");
        var size = window.Size.Ticks;
        var offset = window.StartOffset.Ticks;
        return BoundExpression.Of(DataType.Window, Lift.VR(time.As<DateTime?>(), t => TimeWindows.Tumbling(t, size, offset)), time);
    }
}
