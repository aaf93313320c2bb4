using Sluice.Contracts;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>Spark's analysis rules around watermarks and session windows, checked when a query starts.</summary>
public class SparkPlanRulesTests
{
    private static QuerySpec Query(string operators, string mode) => SpecReader.Read($$$"""
        {"name": "q", "source": {"kind": "memory", "schema": {"user": "string", "a": "long", "b": "long"}},
         "operators": [{"op": "select", "columns": ["user", "CAST(a AS timestamp) AS first", "CAST(b AS timestamp) AS second"]}, {{{operators}}}],
         "sink": {"kind": "memory"}, "outputMode": "{{{mode}}}"}
        """);

    private static readonly Sluice.Connectors.ConnectorRegistry Connectors = Sluice.Connectors.BuiltInConnectors.CreateRegistry();

    private static string Refused(string operators, string mode = "append") =>
        Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(Query(operators, mode), Connectors)).Message;

    [Fact]
    public void SecondWithWatermark_OnTheSameStream_IsRefusedAsSpark()
    {
        var message = Refused("""
            {"op": "withWatermark", "column": "first", "delay": "1 minute"},
            {"op": "withWatermark", "column": "second", "delay": "2 minutes"},
            {"op": "groupBy", "keys": ["window(second, '1 minute')"], "aggs": ["count(*) AS n"]}
            """);
        Assert.Contains("$.operators[2]", message);
        Assert.Contains("Redefining watermark is disallowed.", message);
    }

    [Fact]
    public void WindowSelectedUnderAnAlias_KeepsTheWatermark_SoAppendModeIsAllowed()
    {
        var plan = QueryPlanner.Plan(Query("""
            {"op": "withWatermark", "column": "first", "delay": "10 seconds"},
            {"op": "select", "columns": ["window(first, '5 seconds') AS w"]},
            {"op": "groupBy", "keys": ["w"], "aggs": ["count(*) AS n"]}
            """, "append"), Connectors);
        Assert.True(Assert.IsType<AggregationOperator>(plan.Stateful).HasWatermarkOnKey);
    }

    [Fact]
    public void SessionWindow_InUpdateMode_IsRefused_SPARK36463() =>
        Assert.Contains("Update output mode not supported for session window", Refused("""
            {"op": "withWatermark", "column": "first", "delay": "10 seconds"},
            {"op": "groupBy", "keys": ["session_window(first, '5 seconds')", "user"], "aggs": ["count(*) AS n"]}
            """, "update"));

    [Theory]
    [InlineData("append")]
    [InlineData("complete")]
    public void SessionWindow_WithoutAnotherKey_IsRefused(string mode) =>
        Assert.Contains("Global aggregation with session window in streaming query is not supported", Refused("""
            {"op": "withWatermark", "column": "first", "delay": "10 seconds"},
            {"op": "groupBy", "keys": ["session_window(first, '5 seconds')"], "aggs": ["count(*) AS n"]}
            """, mode));

    [Fact]
    public void SessionWindow_WithAGapThatIsNotAString_IsRefused() =>
        Assert.Contains("the gap of session_window() must be a duration string", Refused("""
            {"op": "groupBy", "keys": ["session_window(first, second)", "user"], "aggs": ["count(*) AS n"]}
            """, "complete"));
}
