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

    [Fact]
    public void SessionWindow_InAppendModeWithoutWatermark_IsRefused_AndTheFixIsNotUpdateMode()
    {
        var message = Refused("""
            {"op": "groupBy", "keys": ["session_window(first, '5 seconds')", "user"], "aggs": ["count(*) AS n"]}
            """);

        Assert.Contains("Append output mode not supported when there are streaming aggregations", message, StringComparison.Ordinal);
        Assert.Contains("add withWatermark on the session_window's time column, or use complete mode", message, StringComparison.Ordinal);
        Assert.DoesNotContain("use update", message, StringComparison.Ordinal);
    }

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

    private static QuerySpec JoinThenDeduplicate(string selected) => SpecReader.Read($$$"""
        {"name": "q", "source": {"kind": "memory", "name": "l", "schema": {"_1": "string", "_2": "long"}},
         "operators": [
           {"op": "select", "columns": ["_1 AS id1", "CAST(_2 AS timestamp) AS ts1"]},
           {"op": "withWatermark", "column": "ts1", "delay": "1 minute"},
           {"op": "join", "joinType": "inner", "condition": "id1 = id2 AND ts1 = ts2 + INTERVAL 10 SECONDS", "right": {
             "source": {"kind": "memory", "name": "r", "schema": {"_1": "string", "_2": "long"}},
             "operators": [{"op": "select", "columns": ["_1 AS id2", "CAST(_2 AS timestamp) AS ts2"]},
                           {"op": "withWatermark", "column": "ts2", "delay": "2 minutes"}]}},
           {"op": "select", "columns": [{{{selected}}}]},
           {"op": "dropDuplicates"}],
         "sink": {"kind": "memory"}, "outputMode": "append"}
        """);

    [Fact]
    public void Deduplication_OfBothTimeColumnsOfAJoin_IsRefusedAsSpark()
    {
        var e = Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(JoinThenDeduplicate("\"id1\", \"ts1\", \"ts2\""), Connectors));

        Assert.Contains("$.operators[4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("More than one event time columns are available.", e.Message, StringComparison.Ordinal);
        Assert.Contains("(ts1, ts2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deduplication_OfOneTimeColumnOfAJoin_IsPlanned() =>
        Assert.IsType<DeduplicateOperator>(QueryPlanner.Plan(JoinThenDeduplicate("\"id1\", \"ts1\""), Connectors).Stages[^1].Operator);

    [Fact]
    public void Union_WidensNumbers_AsSparksWidenSetOperationTypes()
    {
        var plan = QueryPlanner.Plan(SpecReader.Read("""
            {"name": "q", "source": {"kind": "memory", "name": "a", "schema": {"value": "int"}},
             "operators": [{"op": "select", "columns": ["value", "value + 1"]},
               {"op": "union", "other": {"source": {"kind": "memory", "name": "b", "schema": {"value": "int"}},
                 "operators": [{"op": "groupBy", "keys": ["value"], "aggs": ["count(*)"]}]}}],
             "sink": {"kind": "memory"}, "outputMode": "update"}
            """), Connectors);

        Assert.Equal("value: int, (value + 1): bigint", plan.OutputSchema.Describe());
        Assert.Equal("value: int, (value + 1): bigint", Assert.Single(plan.Stages).OutputSchema.Describe());
    }

    [Fact]
    public void Union_OfAStringAndANumber_GivesAString_AsSparksStringPromotion()
    {
        var plan = QueryPlanner.Plan(SpecReader.Read("""
            {"name": "q", "source": {"kind": "memory", "name": "a", "schema": {"s": "string"}},
             "operators": [{"op": "union", "other": {"source": {"kind": "memory", "name": "b", "schema": {"n": "int"}}, "operators": []}}],
             "sink": {"kind": "memory"}}
            """), Connectors);

        Assert.Equal("s: string", plan.OutputSchema.Describe());
    }

    [Fact]
    public void Union_OfATimestampAndANumber_IsRefused() =>
        Assert.Contains("compatible types", Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(SpecReader.Read("""
            {"name": "q", "source": {"kind": "memory", "name": "a", "schema": {"t": "timestamp"}},
             "operators": [{"op": "union", "other": {"source": {"kind": "memory", "name": "b", "schema": {"n": "bigint"}}, "operators": []}}],
             "sink": {"kind": "memory"}}
            """), Connectors)).Message, StringComparison.Ordinal);
}
