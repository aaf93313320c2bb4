using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Tests.Expressions;

public class NamingTests
{
    [Theory]
    [InlineData("id", "id")]
    [InlineData("ID", "id")]
    [InlineData("`weird name`", "weird name")]
    [InlineData("window.start", "start")]
    [InlineData("window.END", "end")]
    [InlineData("upper(name)", "upper(name)")]
    [InlineData("UPPER(Name)", "upper(name)")]
    [InlineData("amount * 2", "(amount * 2)")]
    [InlineData("amount * 2 AS doubled", "doubled")]
    [InlineData("id AS `the id`", "the id")]
    [InlineData("coalesce(nothing, 'n/a')", "coalesce(nothing, n/a)")]
    [InlineData("CAST(id AS bigint)", "CAST(id AS BIGINT)")]
    [InlineData("id = 1 AND flag", "((id = 1) AND flag)")]
    [InlineData("NOT flag", "(NOT flag)")]
    [InlineData("id != 1", "(NOT (id = 1))")]
    [InlineData("-id", "(- id)")]
    [InlineData("-1", "-1")]
    [InlineData("1.5", "1.5")]
    [InlineData("'x'", "x")]
    [InlineData("NULL", "NULL")]
    [InlineData("true", "true")]
    [InlineData("name IS NULL", "(name IS NULL)")]
    [InlineData("id IN (1, 2)", "(id IN (1, 2))")]
    [InlineData("name LIKE 'A%'", "name LIKE A%")]
    [InlineData("`weird name` + 1", "(weird name + 1)")]
    [InlineData("CASE WHEN flag THEN 1 ELSE 0 END", "CASE WHEN flag THEN 1 ELSE 0 END")]
    [InlineData("window(ts, '10 seconds')", "window")]
    [InlineData("window(ts, '10 seconds').start", "start")]
    [InlineData("unix_timestamp(window.start)", "unix_timestamp(window.start)")]
    [InlineData("ts + INTERVAL 5 SECONDS", "(ts + INTERVAL '5 seconds')")]
    public void CompileNamed_UsesAliasOrSparkAutoName(string expression, string name) =>
        Assert.Equal(name, ExpressionCompiler.CompileNamed(expression, Eval.Schema).Name);

    [Fact]
    public void CompileNamed_CompilesTheAliasedExpression()
    {
        var named = ExpressionCompiler.CompileNamed("amount * 2 AS doubled", Eval.Schema);
        Assert.Equal(DataType.Double, named.Expression.Type);
        Assert.Equal(5.0, named.Expression.Evaluate(Eval.Row()));
    }

    [Theory]
    [InlineData("count(*)", "count(1)")]
    [InlineData("count(DISTINCT name)", "count(DISTINCT name)")]
    [InlineData("SUM(amount)", "sum(amount)")]
    [InlineData("avg(amount) AS mean_amount", "mean_amount")]
    [InlineData("session_window(ts, '5 minutes')", "session_window")]
    public void AutoName_OfAggregatesAndWindows_FollowsSpark(string expression, string name) =>
        Assert.Equal(name, ExpressionCompiler.AutoName(ExpressionCompiler.Parse(expression), Eval.Schema));
}
