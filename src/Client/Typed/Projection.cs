using System.Linq.Expressions;
using System.Reflection;
using Sluice.Processing;

namespace Sluice.Client.Typed;

/// <summary>
/// A lambda that builds an object (<c>e =&gt; new { e.UserId, Cents = (long)(e.Amount * 100) }</c>) as named Spark
/// columns (<c>user_id AS UserId</c>, <c>CAST(amount * 100.0 AS bigint) AS Cents</c>): each member is an expression
/// named as the result type's property, so the typed reader of the next step finds it.
/// </summary>
internal static class Projection
{
    public static IReadOnlyList<string> Columns(LambdaExpression lambda, string what, bool allowSingle = false) => Columns(lambda, what, allowSingle, named: true);

    /// <summary>Key columns of dropDuplicates and groups-with-state: the expressions alone, since those operators keep the input's names.</summary>
    public static IReadOnlyList<string> Keys(LambdaExpression lambda, string what) => Columns(lambda, what, allowSingle: true, named: false);

    private static IReadOnlyList<string> Columns(LambdaExpression lambda, string what, bool allowSingle, bool named)
    {
        var t = new SqlTranslator(lambda.Parameters);
        return Members(lambda.Body) is { } members
            ? members.Select(m => named ? Named(t.Visit(m.Value).Text, TypedRows.ColumnName(m.Member)) : t.Visit(m.Value).Text).ToList()
            : allowSingle
                ? [t.Visit(lambda.Body).Text]
                : throw SqlTranslator.Unsupported(lambda.Body, $"{what} takes an object with one property per column, e.g. e => new {{ e.UserId, Total = e.Amount * 2 }}");
    }

    /// <summary>The column list of an aggregation's <c>g =&gt; new { Revenue = g.Sum(e =&gt; e.Amount) }</c>; every member an aggregate.</summary>
    public static IReadOnlyList<string> Aggregates(LambdaExpression lambda) => Columns(lambda, "Agg");

    private static string Named(string sql, string name) =>
        sql == SqlTranslator.Column(name) ? sql : $"{sql} AS {SqlTranslator.Column(name)}";

    private static IReadOnlyList<(MemberInfo Member, Expression Value)>? Members(Expression body)
    {
        switch (body)
        {
            case NewExpression { Members: { } members } n:
                return members.Select((m, i) => (Property(m), n.Arguments[i])).ToList();
            case NewExpression n when n.Arguments.Count > 0:
                // A positional record: its constructor parameters name its properties.
                var parameters = n.Constructor!.GetParameters();
                return n.Arguments.Select((a, i) => ((MemberInfo)PropertyFor(n.Type, parameters[i].Name!), a)).ToList();
            case MemberInitExpression { NewExpression.Arguments.Count: 0 } init:
                return init.Bindings.Select(b => b is MemberAssignment a
                    ? (a.Member, a.Expression)
                    : throw SqlTranslator.Unsupported(body, "only property assignments (Name = value) describe columns")).ToList();
            default:
                return null;
        }
    }

    private static MemberInfo Property(MemberInfo member) =>
        member is MethodInfo { Name: var getter } m && getter.StartsWith("get_", StringComparison.Ordinal)
            ? m.DeclaringType!.GetProperty(getter[4..])!
            : member;

    private static PropertyInfo PropertyFor(Type type, string parameter) =>
        type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, parameter, StringComparison.OrdinalIgnoreCase))
        ?? throw new NotSupportedException($"{type.Name}'s constructor parameter '{parameter}' has no property of the same name to name its column.");
}
