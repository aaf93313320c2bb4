using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

/// <summary>
/// The aggregates Spark users reach for beyond the basic ones: first/last ignoring nulls, the second-moment family,
/// max_by/min_by and collect_list/collect_set, with Spark's result types, NULL rules and empty-group results, and
/// partials that merge after a round trip through the state encoding.
/// </summary>
public class SparkAggregateFunctionsTests
{
    [Fact]
    public void FirstLast_WithIgnoreNulls_SkipNullsAcrossPartials()
    {
        var first = new FirstFunction(DataType.String, ignoreNulls: true);
        var last = new LastFunction(DataType.String, ignoreNulls: true);
        Assert.Equal("b", Agg.RunAndCheckMerge(first, null, "b", null, "c"));
        Assert.Equal("c", Agg.RunAndCheckMerge(last, null, "b", "c", null));
        Assert.Null(Agg.RunAndCheckMerge(first, null, null));
        Assert.Null(Agg.RunAndCheckMerge(last, null, null));
    }

    [Theory]
    [InlineData("stddev(qty)", 1.2909944487358056)]
    [InlineData("std(qty)", 1.2909944487358056)]
    [InlineData("stddev_samp(qty)", 1.2909944487358056)]
    [InlineData("stddev_pop(qty)", 1.118033988749895)]
    [InlineData("variance(qty)", 1.6666666666666667)]
    [InlineData("var_samp(qty)", 1.6666666666666667)]
    [InlineData("var_pop(qty)", 1.25)]
    public void CentralMoments_MatchSparkAndMergeInAnySplit(string agg, double expected)
    {
        var function = AggregateBinder.Bind(agg, Agg.Schema).Function;
        Assert.Equal(DataType.Double, function.ResultType);
        Assert.Equal(expected, (double)Agg.Run(function, 1, null, 2, 3, 4)!, 12);
        Assert.All(Agg.MergedResults(function, 1, null, 2, 3, 4), merged => Assert.Equal(expected, (double)merged!, 12));
    }

    [Fact]
    public void CentralMoments_OfEmptyGroupAreNull_AndSampleOfOneValueIsNull()
    {
        Assert.Null(Agg.Run(CentralMomentFunction.StddevSamp, null, null));
        Assert.Null(Agg.Run(CentralMomentFunction.VarPop));
        Assert.Null(Agg.RunAndCheckMerge(CentralMomentFunction.VarSamp, 5.0));
        Assert.Equal(0.0, Agg.RunAndCheckMerge(CentralMomentFunction.StddevPop, 5.0));
    }

    [Fact]
    public void MaxByMinBy_TakeTheValueOfTheExtremeOrdering_SkippingNullOrderings()
    {
        var maxBy = new ExtremumByFunction(DataType.String, isMax: true);
        var minBy = new ExtremumByFunction(DataType.String, isMax: false);
        object?[] rows = [new ValuePair("a", 3), new ValuePair("b", null), new ValuePair("c", 7), new ValuePair(null, 1)];
        Assert.Equal("c", Agg.RunAndCheckMerge(maxBy, rows));
        Assert.Null(Agg.RunAndCheckMerge(minBy, rows));
        Assert.Null(Agg.RunAndCheckMerge(maxBy, new ValuePair("x", null)));
        Assert.Null(Agg.Run(maxBy));
    }

    [Fact]
    public void MaxBy_OnTiedOrdering_TakesTheLaterRow_AsSparkMaxMinBy() =>
        Assert.Equal("second", Agg.Run(new ExtremumByFunction(DataType.String, isMax: true), new ValuePair("first", 5), new ValuePair("second", 5)));

    [Fact]
    public void CollectList_KeepsNonNullValuesInArrivalOrder_EmptyArrayForNoValues()
    {
        var list = new CollectFunction(DataType.Int, distinct: false);
        Assert.Equal("array<int>", list.ResultType.ToString());
        Assert.Equal(new object?[] { 1, 2, 1 }, (object?[])Agg.RunAndCheckMerge(list, 1, null, 2, 1)!);
        Assert.Equal([], (object?[])Agg.Run(list, null, null)!);
    }

    [Fact]
    public void CollectSet_DropsDuplicatesAcrossPartials()
    {
        var set = new CollectFunction(DataType.String, distinct: true);
        Assert.All(Agg.MergedResults(set, "a", "b", "a", null, "c", "b"),
            merged => Assert.Equal(["a", "b", "c"], ((object?[])merged!).Order()));
        Assert.Equal([], (object?[])Agg.Run(set)!);
    }

    [Theory]
    [InlineData("collect_list(user)", "array<string>")]
    [InlineData("collect_set(ts)", "array<timestamp>")]
    [InlineData("max_by(user, amount)", "string")]
    [InlineData("min_by(qty, ts)", "int")]
    [InlineData("first(user, true)", "string")]
    [InlineData("approx_count_distinct(user, 0.01)", "bigint")]
    public void Bind_GivesSparkResultTypes(string agg, string type) =>
        Assert.Equal(type, AggregateBinder.Bind(agg, Agg.Schema).ResultType.ToString());

    [Fact]
    public void Bind_ReadsTheSecondArguments()
    {
        Assert.True(((FirstFunction)AggregateBinder.Bind("first(user, true)", Agg.Schema).Function).IgnoreNulls);
        Assert.False(((LastFunction)AggregateBinder.Bind("last(user, false)", Agg.Schema).Function).IgnoreNulls);
        Assert.Equal(14, ((ApproxCountDistinctFunction)AggregateBinder.Bind("approx_count_distinct(user, 0.01)", Agg.Schema).Function).Precision);
    }

    [Theory]
    [InlineData("first(user, 1)", "The second argument in first should be a boolean literal")]
    [InlineData("last(user, flag)", "The second argument in last should be a boolean literal")]
    [InlineData("approx_count_distinct(user, 'x')", "The second argument should be a double literal")]
    [InlineData("approx_count_distinct(user, 0.9)", "relativeSD")]
    [InlineData("max_by(user)", "max_by needs two arguments")]
    [InlineData("sum(qty, 2)", "takes exactly one argument")]
    [InlineData("stddev(user)", "numeric argument")]
    public void Bind_RefusesBadArguments(string agg, string message) =>
        Assert.Contains(message, Assert.Throws<ExpressionException>(() => AggregateBinder.Bind(agg, Agg.Schema)).Message);

    [Fact]
    public void AggregateSet_MaxBy_EvaluatesBothArgumentsPerRow()
    {
        var set = AggregateSet.Bind(["max_by(user, amount) AS top", "collect_list(qty) AS qtys"], Agg.Schema);
        var buffer = set.NewBuffer();
        set.Update(buffer, ["bob", 1.0, 2, null, null, null, null, null]);
        set.Update(buffer, ["alice", 9.0, null, null, null, null, null, null]);
        set.Update(buffer, ["carol", 4.0, 5, null, null, null, null, null]);
        var result = set.Evaluate(Agg.Reload(buffer));
        Assert.Equal("alice", result[0]);
        Assert.Equal(new object?[] { 2, 5 }, (object?[])result[1]!);
    }
}
