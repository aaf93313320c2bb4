using System.Linq.Expressions;

namespace Sluice.Client.Typed;

/// <summary>C# operators as Spark SQL operators; where C# and Spark disagree (integer division), a clear exception.</summary>
internal static class SqlOperators
{
    public static Sql Binary(SqlTranslator t, BinaryExpression b)
    {
        switch (b.NodeType)
        {
            case ExpressionType.Equal or ExpressionType.NotEqual when IsNull(b.Right) || IsNull(b.Left):
                var value = IsNull(b.Right) ? b.Left : b.Right;
                return new Sql($"{t.Visit(value).In(Sql.Comparison, orEqual: true)} IS {(b.NodeType == ExpressionType.NotEqual ? "NOT " : "")}NULL", Sql.Comparison);
            case ExpressionType.Coalesce:
                return Sql.Atom($"coalesce({t.Visit(b.Left)}, {t.Visit(b.Right)})");
            case ExpressionType.Add when b.Type == typeof(string):
                return Sql.Atom($"concat({string.Join(", ", Concatenated(b).Select(part => t.Visit(part).Text))})");
            case ExpressionType.Divide when IsIntegral(b.Left.Type) && IsIntegral(b.Right.Type):
                throw SqlTranslator.Unsupported(b, "C# divides integers with truncation, Spark's '/' gives a double; cast one side to double, e.g. (double)a / b");
        }
        var (op, precedence) = b.NodeType switch
        {
            ExpressionType.AndAlso or ExpressionType.And when IsBool(b) => ("AND", Sql.And),
            ExpressionType.OrElse or ExpressionType.Or when IsBool(b) => ("OR", Sql.Or),
            ExpressionType.Equal => ("=", Sql.Comparison),
            ExpressionType.NotEqual => ("<>", Sql.Comparison),
            ExpressionType.LessThan => ("<", Sql.Comparison),
            ExpressionType.LessThanOrEqual => ("<=", Sql.Comparison),
            ExpressionType.GreaterThan => (">", Sql.Comparison),
            ExpressionType.GreaterThanOrEqual => (">=", Sql.Comparison),
            ExpressionType.Add or ExpressionType.AddChecked => ("+", Sql.Additive),
            ExpressionType.Subtract or ExpressionType.SubtractChecked => ("-", Sql.Additive),
            ExpressionType.Multiply or ExpressionType.MultiplyChecked => ("*", Sql.Multiplicative),
            ExpressionType.Divide => ("/", Sql.Multiplicative),
            ExpressionType.Modulo => ("%", Sql.Multiplicative),
            _ => throw SqlTranslator.Unsupported(b, $"the operator {b.NodeType} has no Spark SQL translation"),
        };
        var chains = precedence is Sql.And or Sql.Or;
        var left = t.Visit(b.Left).In(precedence, orEqual: precedence == Sql.Comparison);
        var right = t.Visit(b.Right).In(precedence, orEqual: !chains);
        return new Sql($"{left} {op} {right}", precedence);
    }

    public static Sql Unary(SqlTranslator t, UnaryExpression u)
    {
        switch (u.NodeType)
        {
            case ExpressionType.Not when u.Type == typeof(bool) || u.Type == typeof(bool?):
                return new Sql($"NOT {t.Visit(u.Operand).In(Sql.Not)}", Sql.Not);
            case ExpressionType.Negate or ExpressionType.NegateChecked:
                return new Sql($"-{t.Visit(u.Operand).In(Sql.Unary)}", Sql.Unary);
            case ExpressionType.UnaryPlus or ExpressionType.Quote:
                return t.Visit(u.Operand);
            case ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs:
                return Convert(t, u);
            default:
                throw SqlTranslator.Unsupported(u, $"the operator {u.NodeType} has no Spark SQL translation");
        }
    }

    /// <summary>
    /// Widening conversions (int to long or double, T to T?, boxing) are left to Spark, which widens the same way; a
    /// narrowing cast (double to long, long to int) is Spark's <c>CAST</c>, which truncates toward zero as C# does.
    /// </summary>
    private static Sql Convert(SqlTranslator t, UnaryExpression u)
    {
        var from = Nullable.GetUnderlyingType(u.Operand.Type) ?? u.Operand.Type;
        var to = Nullable.GetUnderlyingType(u.Type) ?? u.Type;
        var operand = t.Visit(u.Operand);
        if (from == to || to == typeof(object) || Rank(from) is { } a && Rank(to) is { } b && a <= b)
        {
            return operand;
        }
        var type = to switch
        {
            _ when to == typeof(int) || to == typeof(short) || to == typeof(byte) => "int",
            _ when to == typeof(long) => "bigint",
            _ when to == typeof(double) || to == typeof(float) || to == typeof(decimal) => "double",
            _ when to == typeof(string) => "string",
            _ => throw SqlTranslator.Unsupported(u, $"a conversion from {from.Name} to {to.Name} has no Spark SQL translation"),
        };
        return Sql.Atom($"CAST({operand} AS {type})");
    }

    /// <summary>Spark's numeric widening order: int &lt; bigint &lt; double.</summary>
    private static int? Rank(Type type) => type switch
    {
        _ when type == typeof(byte) || type == typeof(short) || type == typeof(int) => 1,
        _ when type == typeof(long) => 2,
        _ when type == typeof(float) || type == typeof(double) || type == typeof(decimal) => 3,
        _ => null,
    };

    /// <summary>The operands of <c>a + b + c</c> on strings, so it prints as one <c>concat(a, b, c)</c>.</summary>
    private static IEnumerable<Expression> Concatenated(Expression e) =>
        e is BinaryExpression { NodeType: ExpressionType.Add } b && b.Type == typeof(string) && SqlTranslator.NeedsTranslation(b)
            ? Concatenated(b.Left).Concat(Concatenated(b.Right))
            : [e];

    private static bool IsNull(Expression e) => e is ConstantExpression { Value: null } or UnaryExpression { NodeType: ExpressionType.Convert, Operand: ConstantExpression { Value: null } };

    private static bool IsBool(BinaryExpression b) => (Nullable.GetUnderlyingType(b.Type) ?? b.Type) == typeof(bool);

    private static bool IsIntegral(Type type) => Rank(Nullable.GetUnderlyingType(type) ?? type) is 1 or 2;
}
