using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class AggregateBinderTests
{
    [Theory]
    [InlineData("count(*)", "count(1)")]
    [InlineData("COUNT(*)", "count(1)")]
    [InlineData("count(1)", "count(1)")]
    [InlineData("count(user)", "count(user)")]
    [InlineData("sum(amount)", "sum(amount)")]
    [InlineData("SUM(Amount)", "sum(amount)")]
    [InlineData("sum(amount) AS revenue", "revenue")]
    [InlineData("avg(qty * 2) AS a", "a")]
    [InlineData("avg(qty * 2)", "avg((qty * 2))")]
    [InlineData("mean(qty)", "mean(qty)")]
    [InlineData("min(ts)", "min(ts)")]
    [InlineData("max(window.end)", "max(window.end)")]
    [InlineData("first(user)", "first(user)")]
    [InlineData("last(user) AS `last user`", "last user")]
    [InlineData("approx_count_distinct(user)", "approx_count_distinct(user)")]
    [InlineData("approx_count_distinct(user, 0.01)", "approx_count_distinct(user)")]
    [InlineData("first(user, true)", "first(user)")]
    [InlineData("max_by(user, amount)", "max_by(user, amount)")]
    [InlineData("stddev_pop(qty)", "stddev_pop(qty)")]
    [InlineData("collect_list(user)", "collect_list(user)")]
    public void Bind_NamesAggregateByAliasOrSparkAutoName(string agg, string name) =>
        Assert.Equal(name, AggregateBinder.Bind(agg, Agg.Schema).Name);

    [Theory]
    [InlineData("count(*)", "bigint")]
    [InlineData("count(user)", "bigint")]
    [InlineData("sum(qty)", "bigint")]
    [InlineData("sum(big)", "bigint")]
    [InlineData("sum(amount)", "double")]
    [InlineData("sum(qty * 1.5)", "double")]
    [InlineData("sum(NULL)", "double")]
    [InlineData("avg(qty)", "double")]
    [InlineData("avg(big)", "double")]
    [InlineData("min(user)", "string")]
    [InlineData("max(ts)", "timestamp")]
    [InlineData("min(flag)", "boolean")]
    [InlineData("max(data)", "binary")]
    [InlineData("first(window)", "struct<start:timestamp,end:timestamp>")]
    [InlineData("last(qty)", "int")]
    [InlineData("approx_count_distinct(amount)", "bigint")]
    public void Bind_GivesSparkResultType(string agg, string type) =>
        Assert.Equal(type, AggregateBinder.Bind(agg, Agg.Schema).ResultType.ToString());

    [Fact]
    public void Bind_CountStar_HasNoArgument_OthersCompileTheirArgument()
    {
        Assert.Null(AggregateBinder.Bind("count(*)", Agg.Schema).Argument);
        var avg = AggregateBinder.Bind("avg(qty * 2) AS a", Agg.Schema);
        Assert.Equal(14, avg.Argument!.Evaluate([null, null, 7, null, null, null, null, null]));
        Assert.Same(AverageFunction.Instance, avg.Function);
    }

    [Fact]
    public void Bind_NonAggregate_SaysHowToAggregateIt()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("amount", Agg.Schema));
        Assert.Equal("'amount' in aggs is not an aggregate function; use e.g. sum(amount) AS total, or add amount to the groupBy keys", error.Message);
        Assert.Equal(0, error.Position);
    }

    [Fact]
    public void Bind_AliasedNonAggregate_QuotesTheWholeText()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("amount * 2 AS x", Agg.Schema));
        Assert.StartsWith("'amount * 2 AS x' in aggs is not an aggregate function; use e.g. sum((amount * 2)) AS total", error.Message);
    }

    [Fact]
    public void Bind_ExpressionOverAggregates_IsRejectedWithAWorkaround()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("sum(amount) / count(*) AS mean", Agg.Schema));
        Assert.Contains("computes on the result of an aggregate", error.Message);
        Assert.Contains("select after the groupBy", error.Message);
    }

    [Fact]
    public void Bind_UnknownColumn_NamesItAndTheAvailableColumns()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("sum(amout) AS revenue", Agg.Schema));
        Assert.StartsWith("unknown column 'amout' in 'sum(amout) AS revenue'; available columns: user, amount", error.Message);
        Assert.Equal(4, error.Position);
    }

    [Fact]
    public void Bind_SumOfString_IsATypeErrorSuggestingACast()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("sum(user)", Agg.Schema));
        Assert.Equal(
            "sum needs a numeric argument (int, bigint or double), but 'user' is of type string in 'sum(user)'; " +
            "cast it if it holds numbers, e.g. sum(CAST(user AS double))", error.Message);
    }

    [Theory]
    [InlineData("avg(flag)", "avg needs a numeric argument (int, bigint or double), but 'flag' is of type boolean in 'avg(flag)'")]
    [InlineData("sum(ts)", "sum needs a numeric argument (int, bigint or double), but 'ts' is of type timestamp in 'sum(ts)'")]
    public void Bind_SumOrAvgOfNonNumber_IsATypeError(string agg, string message) =>
        Assert.Equal(message, Assert.Throws<ExpressionException>(() => AggregateBinder.Bind(agg, Agg.Schema)).Message);

    [Fact]
    public void Bind_NestedAggregate_IsRejected()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("sum(count(user))", Agg.Schema));
        Assert.StartsWith("an aggregate function cannot be used in the argument of another aggregate function in 'sum(count(user))'", error.Message);
        Assert.Equal(4, error.Position);
    }

    [Fact]
    public void Bind_DistinctAggregate_IsRejectedAsInSparkStreaming()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("count(DISTINCT user) AS users", Agg.Schema));
        Assert.Equal(
            "distinct aggregations are not supported on streaming data (Spark rejects them too) in 'count(DISTINCT user) AS users'; " +
            "use approx_count_distinct(user) instead", error.Message);
    }

    [Fact]
    public void Bind_SessionWindowInsideAggregate_IsRejected() =>
        Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("max(session_window(ts, '5 minutes'))", Agg.Schema));

    [Fact]
    public void Bind_AggregateWithThreeArguments_IsASyntaxError()
    {
        var error = Assert.Throws<ExpressionException>(() => AggregateBinder.Bind("approx_count_distinct(user, 0.01, 2)", Agg.Schema));
        Assert.Contains("takes at most two arguments", error.Message);
    }
}
