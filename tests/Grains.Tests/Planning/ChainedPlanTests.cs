using Sluice.Contracts;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>
/// A query with several stateful operators plans as a chain of stages (each operator on its own key groups, with its
/// stateless suffix), with Spark 3.5's watermark propagation between them and its rules on which chains may run.
/// </summary>
public class ChainedPlanTests
{
    private static QueryPlan PlanOf(QuerySpec spec) => QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry());

    private const string Source = """{"kind": "memory", "schema": {"value": "long", "key": "string"}}""";

    private const string EventTime = """
        {"op": "select", "columns": ["value", "key", "timestamp_seconds(value) AS eventTime"]},
        {"op": "withWatermark", "column": "eventTime", "delay": "0 seconds"},
        """;

    private const string WindowCount = """{"op": "groupBy", "keys": ["window(eventTime, '5 seconds') AS window"], "aggs": ["count(*) AS count"]}""";

    private static QuerySpec Query(string operators, string mode = "append", string source = Source) => SpecReader.Read($$"""
        {"name": "q", "source": {{source}}, "operators": [{{operators}}], "sink": {"kind": "memory"}, "outputMode": "{{mode}}"}
        """);

    private static QueryStartException Refused(string operators, string mode = "append") =>
        Assert.Throws<QueryStartException>(() => PlanOf(Query(operators, mode)));

    [Fact]
    public void WindowAggregationThenWindowAggregation_PlansTwoStages_EachOnItsOwnOperatorIndex()
    {
        var plan = PlanOf(Query(EventTime + WindowCount + """
            , {"op": "groupBy", "keys": ["window(window, '10 seconds') AS window"], "aggs": ["sum(count) AS total"]},
            {"op": "select", "columns": ["window.start AS start", "total"]}
            """));

        Assert.Equal([2, 3], plan.Stages.Select(s => s.Operator.Index));
        Assert.Equal([0, 1], plan.Stages.Select(s => s.Position));
        Assert.Equal(plan.Stages[0].OutputSchema.Describe(), plan.Stages[1].InputSchema.Describe());
        Assert.Single(plan.Stages[1].Suffix);
        Assert.Equal("start: timestamp, total: bigint", plan.OutputSchema.Describe());
        Assert.True(((AggregationOperator)plan.Stages[1].Operator).HasWatermarkOnKey);
    }

    [Fact]
    public void SecondWindow_OverTheFirstWindow_IsOverItsEventTime_EndMinusOneMicrosecond()
    {
        var plan = PlanOf(Query(EventTime + WindowCount + """
            , {"op": "groupBy", "keys": ["window(window_time(window), '10 seconds') AS window"], "aggs": ["sum(count) AS total"]}
            """));
        var key = GroupKey.Compile("window(window_time(window), '10 seconds')", plan.Stages[1].InputSchema);
        var window = new Data.StructValue([Utc(5), Utc(10)]);

        // [5, 10) ends at 10 s, so its event time is 9.999999 s: it falls in [0, 10), not [10, 20).
        Assert.Equal(Utc(10).AddTicks(-10), key.TimeOf([window, 1L]));
    }

    [Fact]
    public void InputWatermarks_ThroughAggregationsAndDeduplications_AreTheGlobalWatermark()
    {
        var plan = PlanOf(Query(EventTime + """
            {"op": "dropDuplicates", "columns": ["value", "eventTime"]},
            """ + WindowCount));

        Assert.Equal([7000, 7000], plan.InputWatermarks(7000));
        Assert.Equal([0, 0], plan.InputWatermarks(0));
    }

    [Fact]
    public void InputWatermarks_AfterFlatMapGroupsWithState_AreZero_AsSparkGivesNoOutputWatermark()
    {
        var plan = PlanOf(Query(EventTime + """
            {"op": "flatMapGroupsWithState", "keys": ["key"], "processor": "RunningCount", "timeout": "none", "outputMode": "append"},
            {"op": "dropDuplicates", "columns": ["key"]}
            """));

        Assert.Equal([7000, 0], plan.InputWatermarks(7000));
    }

    [Fact]
    public void InputWatermarks_AfterATimeIntervalJoin_AreLoweredToTheJoinsStateWatermark()
    {
        var plan = PlanOf(Query("""
            {"op": "withWatermark", "column": "t1", "delay": "0 seconds"},
            {"op": "join", "joinType": "leftOuter", "condition": "id1 = id2 AND t1 BETWEEN t2 - interval 1 hour AND t2 + interval 1 hour",
             "right": {"source": {"kind": "memory", "name": "r", "schema": {"id2": "string", "t2": "timestamp"}},
                       "operators": [{"op": "withWatermark", "column": "t2", "delay": "0 seconds"}]}},
            {"op": "groupBy", "keys": ["window(t1, '10 minutes') AS window"], "aggs": ["count(*) AS cnt"]}
            """, source: """{"kind": "memory", "name": "l", "schema": {"id1": "string", "t1": "timestamp"}}"""));
        const long hour = 3_600_000;

        // BETWEEN is inclusive, so the left side's state watermark is one millisecond lower (Spark's
        // StreamingJoinHelper), and so is the join's output watermark.
        Assert.Equal([5 * hour, 4 * hour - 1], plan.InputWatermarks(5 * hour));
        Assert.Equal([hour / 2, 0], plan.InputWatermarks(hour / 2));
    }

    [Fact]
    public void WindowTimeSelectedAfterAnAggregation_CarriesTheWatermark_SoTheDeduplicationEvictsByIt()
    {
        var plan = PlanOf(Query(EventTime + WindowCount + """
            , {"op": "select", "columns": ["count", "window_time(window) AS windowTime"]},
            {"op": "dropDuplicates", "columns": ["count", "windowTime"]}
            """));

        Assert.True(((DeduplicateOperator)plan.Stages[1].Operator).HasEventTime);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("complete")]
    public void AggregationFollowedByAnotherStatefulOperator_OutsideAppendMode_IsRefusedAsSpark(string mode)
    {
        var e = Refused(EventTime + WindowCount + """
            , {"op": "groupBy", "keys": ["window(window, '10 seconds') AS window"], "aggs": ["sum(count) AS total"]}
            """, mode);

        Assert.Contains("Detected pattern of possible 'correctness' issue due to global watermark", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregationFollowedByDeduplicationWithoutEventTime_InUpdateMode_IsAllowedAsSpark()
    {
        var plan = PlanOf(Query(EventTime + WindowCount + """
            , {"op": "dropDuplicates", "columns": ["count"]}
            """, "update"));

        Assert.Equal(2, plan.Stages.Count);
    }

    [Fact]
    public void LastAggregationWithoutTheWatermarkAmongItsKeys_InAppendMode_IsRefused()
    {
        var e = Refused(EventTime + WindowCount + """
            , {"op": "groupBy", "keys": ["count"], "aggs": ["count(*) AS n"]}
            """);

        Assert.Contains("Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapGroupsWithState_WithAnAggregationInTheQuery_IsRefused()
    {
        var e = Refused("""
            {"op": "groupBy", "keys": ["key"], "aggs": ["count(*) AS count"]},
            {"op": "mapGroupsWithState", "keys": ["key"], "processor": "MapRunningCountRemoveAtThree", "timeout": "none"}
            """, "update");

        Assert.Contains("mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlatMapGroupsWithStateInUpdateMode_WithAnAggregationAfterIt_IsRefused()
    {
        var e = Refused("""
            {"op": "flatMapGroupsWithState", "keys": ["key"], "processor": "RunningCount", "timeout": "none", "outputMode": "update"},
            {"op": "groupBy", "keys": ["key"], "aggs": ["sum(count) AS total"]}
            """, "update");

        Assert.Contains("flatMapGroupsWithState in update mode is not supported with aggregation on a streaming DataFrame/Dataset", e.Message, StringComparison.Ordinal);
    }

    private const string RightWindowSum = """
        {"source": {"kind": "memory", "name": "r", "schema": {"value": "long"}}, "operators": [
          {"op": "select", "columns": ["value", "timestamp_seconds(value) AS ts"]},
          {"op": "withWatermark", "column": "ts", "delay": "5 seconds"},
          {"op": "groupBy", "keys": ["window(ts, '10 seconds') AS window"], "aggs": ["sum(value) AS sum2"]},
          {"op": "select", "columns": ["window AS w2", "sum2"]}]}
        """;

    [Fact]
    public void WindowAggregationPerInput_ThenAJoinOnTheWindow_PlansBothAggregationsBeforeTheJoin()
    {
        var plan = PlanOf(Query(EventTime + WindowCount + $$"""
            , {"op": "join", "joinType": "inner", "condition": "window = w2", "right": {{RightWindowSum}}},
            {"op": "select", "columns": ["CAST(window.end AS long) AS window_end", "count", "sum2"]}
            """));

        // The right input's groupBy is operator 0 of the join at index 3's input: (3 + 1) * 1000 + 2.
        Assert.Equal([2, 4002, 3], plan.Stages.Select(s => s.Operator.Index));
        Assert.Equal([2, 2, -1], plan.Stages.Select(s => s.Next));
        Assert.Equal([0, 1], plan.StreamTargets);
        // Each aggregation tells the join which side its rows are: the main stream's, or the right input's.
        Assert.Equal([0, 1], plan.Stages.Take(2).Select(s => s.StreamIndex));
        Assert.Equal(1, ((Sluice.Operators.Join.StreamJoinOperator)plan.Stages[2].Operator).RightStream);
        // The window keys carry the watermark: the join evicts by them.
        Assert.Equal(0, ((Sluice.Operators.Join.StreamJoinOperator)plan.Stages[2].Operator).KeyOrdinal);
        Assert.Equal([7000, 7000, 7000], plan.InputWatermarks(7000));
        // Spark lists the join first, then its left input's operator, then its right's.
        Assert.Equal([2, 0, 1], plan.ProgressOrder);
        Assert.Equal("window_end: bigint, count: bigint, sum2: bigint", plan.OutputSchema.Describe());
    }

    [Fact]
    public void AggregationOnlyInTheJoinsRightInput_SendsTheMainStreamStraightToTheJoin()
    {
        var plan = PlanOf(Query(EventTime + $$"""
            {"op": "join", "joinType": "inner", "condition": "eventTime BETWEEN w2.start AND w2.end AND value = sum2", "right": {{RightWindowSum}}}
            """));

        Assert.Equal([3002, 2], plan.Stages.Select(s => s.Operator.Index));
        Assert.Equal([1, 0], plan.StreamTargets);
        Assert.Same(plan.Stages[1].Operator, plan.Stateful);
        Assert.True(plan.LateRowsFit(0));
        Assert.False(plan.LateRowsFit(1));
    }

    [Fact]
    public void UnionOfTwoAggregations_SendsBothToTheSink()
    {
        var plan = PlanOf(Query(EventTime + WindowCount + """
            , {"op": "union", "other": {"source": {"kind": "memory", "name": "o", "schema": {"value": "long", "key": "string"}}, "operators": [
                {"op": "select", "columns": ["value", "key", "timestamp_seconds(value) AS eventTime"]},
                {"op": "withWatermark", "column": "eventTime", "delay": "0 seconds"},
                {"op": "groupBy", "keys": ["window(eventTime, '5 seconds') AS window"], "aggs": ["count(*) AS n"]}]}},
            {"op": "select", "columns": ["window.start AS start", "count"]}
            """));

        Assert.Equal([2, 4002], plan.Stages.Select(s => s.Operator.Index));
        Assert.Equal([-1, -1], plan.Stages.Select(s => s.Next));
        // The select after the union runs on both aggregations' output, under the first input's names.
        Assert.All(plan.Stages, s => Assert.Equal("start: timestamp, count: bigint", s.OutputSchema.Describe()));
    }

    [Fact]
    public void InputWatermarks_OfAJoin_AreTheLeastOfThoseItsInputsCarry_AnInputWithoutOneIsLeftOut()
    {
        // The right input ends in a flatMapGroupsWithState, whose output carries no watermark: the join gets the left's.
        var plan = PlanOf(Query(EventTime + """
            {"op": "join", "joinType": "inner", "condition": "key = k", "right": {"source": {"kind": "memory", "name": "r", "schema": {"value": "long", "key": "string"}}, "operators": [
                {"op": "select", "columns": ["value", "key", "timestamp_seconds(value) AS eventTime"]},
                {"op": "withWatermark", "column": "eventTime", "delay": "0 seconds"},
                {"op": "flatMapGroupsWithState", "keys": ["key"], "processor": "RunningCount", "timeout": "none", "outputMode": "append"},
                {"op": "select", "columns": ["key AS k", "count"]}]}}
            """));

        Assert.Equal([3002, 2], plan.Stages.Select(s => s.Operator.Index));
        Assert.Equal([7000, 7000], plan.InputWatermarks(7000));
    }

    [Fact]
    public void AJoinInsideAJoinsInput_IsRefused()
    {
        var e = Refused(EventTime + """
            {"op": "join", "joinType": "inner", "condition": "value = v", "right": {"source": {"kind": "memory", "name": "r", "schema": {"v": "long"}}, "operators": [
                {"op": "union", "other": {"source": {"kind": "memory", "name": "s", "schema": {"v": "long"}}, "operators": []}}]}}
            """);

        Assert.Contains("'union' is not supported inside a union or join input", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithWatermark_AfterAStatefulOperator_IsARedefinition()
    {
        var e = Refused(EventTime + WindowCount + """
            , {"op": "withWatermark", "column": "window", "delay": "0 seconds"}
            """);

        Assert.Contains("Redefining watermark is disallowed", e.Message, StringComparison.Ordinal);
    }

    private static DateTime Utc(int seconds) => DateTime.UnixEpoch.AddSeconds(seconds);
}
