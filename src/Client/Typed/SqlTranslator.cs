using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Sluice.Processing;

namespace Sluice.Client.Typed;

/// <summary>
/// Translates a C# expression tree over rows into a Spark SQL expression string, the form the query spec carries, so a
/// typed query and its string twin start the same spec. A property of a row parameter is its column
/// (<see cref="TypedRows.ColumnName"/>); a sub-expression without row parameters (a captured variable, a constant
/// computation) is evaluated once and becomes a literal. Anything else throws <see cref="NotSupportedException"/>
/// naming the construct and what to write instead.
/// </summary>
internal sealed partial class SqlTranslator
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IS", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE", "END", "AS", "FROM", "DISTINCT", "NULL", "TRUE", "FALSE",
        "INTERVAL", "TIMESTAMP", "CAST",
    };

    private readonly IReadOnlyCollection<ParameterExpression> _rows;

    public SqlTranslator(IReadOnlyCollection<ParameterExpression> rows) => _rows = rows;

    /// <summary>The body of <paramref name="lambda"/>, whose parameters are rows.</summary>
    public static string Translate(LambdaExpression lambda) => new SqlTranslator(lambda.Parameters).Visit(lambda.Body).Text;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    /// <summary>A column name as Spark reads it: quoted with backticks unless a plain, unreserved identifier.</summary>
    public static string Column(string name) =>
        Identifier().IsMatch(name) && !Reserved.Contains(name) ? name : $"`{name.Replace("`", "``", StringComparison.Ordinal)}`";

    public Sql Visit(Expression e)
    {
        if (!NeedsTranslation(e) && e.NodeType != ExpressionType.Lambda)
        {
            return Sql.Atom(SqlLiterals.Format(Evaluate(e)));
        }
        return e switch
        {
            MemberExpression m => Member(m),
            BinaryExpression b => SqlOperators.Binary(this, b),
            UnaryExpression u => SqlOperators.Unary(this, u),
            ConditionalExpression c => new Sql($"CASE WHEN {Visit(c.Test)} THEN {Visit(c.IfTrue)} ELSE {Visit(c.IfFalse)} END", Sql.Primary),
            MethodCallExpression call => SqlCalls.Translate(this, call),
            ParameterExpression p when IsRow(p) => throw Unsupported(e, "a whole row is not a value; use one of its properties"),
            _ => throw Unsupported(e, $"{e.NodeType} expressions have no Spark SQL translation"),
        };
    }

    /// <summary>Whether <paramref name="e"/> is a row: a row parameter, or the Key/Value of a grouped row, the Left/Right of a joined one.</summary>
    public bool IsRow(Expression? e) => e switch
    {
        ParameterExpression p => _rows.Contains(p),
        MemberExpression { Member.Name: "Key" or "Value" } m when IsGeneric(m.Expression!.Type, typeof(Keyed<,>)) => IsRow(m.Expression),
        MemberExpression { Member.Name: "Left" or "Right" } m when IsGeneric(m.Expression!.Type, typeof(Joined<,>)) => IsRow(m.Expression),
        _ => false,
    };

    private Sql Member(MemberExpression m)
    {
        if (IsRow(m.Expression))
        {
            return Sql.Atom(Column(TypedRows.ColumnName(m.Member)));
        }
        var inner = m.Expression!;
        if (inner.Type == typeof(TimeWindow))
        {
            return Sql.Atom($"{Visit(inner).In(Sql.Primary)}.{(m.Member.Name == nameof(TimeWindow.Start) ? "start" : "end")}");
        }
        if (Nullable.GetUnderlyingType(inner.Type) is not null)
        {
            return m.Member.Name == "Value" ? Visit(inner) : new Sql($"{Visit(inner).In(Sql.Comparison, orEqual: true)} IS NOT NULL", Sql.Comparison);
        }
        if (inner.Type == typeof(string) && m.Member.Name == nameof(string.Length))
        {
            return Sql.Atom($"length({Visit(inner)})");
        }
        if ((inner.Type == typeof(DateTime) || inner.Type == typeof(DateTimeOffset)) && DateParts.TryGetValue(m.Member.Name, out var function))
        {
            return Sql.Atom($"{function}({Visit(inner)})");
        }
        throw Unsupported(m, $"the property {m.Member.DeclaringType?.Name}.{m.Member.Name} has no Spark SQL translation");
    }

    private static readonly Dictionary<string, string> DateParts = new(StringComparer.Ordinal)
    {
        ["Year"] = "year", ["Month"] = "month", ["Day"] = "day", ["Hour"] = "hour", ["Minute"] = "minute", ["Second"] = "second",
    };

    /// <summary>An exception naming the construct, why it cannot be translated, and the way out.</summary>
    public static NotSupportedException Unsupported(Expression e, string why) =>
        new($"Cannot translate '{e}' to a Spark SQL expression: {why}. Write this part with Functions.Expr<T>(\"...\") or use the string API.");

    private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    private static object? Evaluate(Expression e) =>
        e is ConstantExpression c ? c.Value : Expression.Lambda<Func<object?>>(Expression.Convert(e, typeof(object))).Compile(preferInterpretation: true)();

    /// <summary>
    /// Whether <paramref name="e"/> must be translated rather than evaluated: it uses a lambda parameter (a row, a group,
    /// an inner lambda's argument) or calls <see cref="Functions"/>, which only Spark can run.
    /// </summary>
    public static bool NeedsTranslation(Expression e)
    {
        var finder = new ParameterFinder();
        finder.Visit(e);
        return finder.Found;
    }

    private sealed class ParameterFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found = true;
            return node;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Found |= node.Method.DeclaringType == typeof(Functions);
            return base.VisitMethodCall(node);
        }
    }
}
