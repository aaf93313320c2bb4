using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>
/// Review of when the planner shares a join input's prefix beyond q5's shape: only when the join's left side is the
/// query's first stateful stage fed by the source alone, and the right input repeats source and operators up to it.
/// </summary>
public class SharedSubPlanReviewTests
{
    private static QueryPlan PlanOf(string json) => QueryPlanner.Plan(SpecReader.Read(json), Sluice.Connectors.BuiltInConnectors.CreateRegistry());

    private const string Bids = """{"kind": "memory", "name": "bids", "schema": {"auction": "long", "sec": "long"}}""";

    private const string Prefix = """
        {"op": "select", "columns": ["auction", "timestamp_seconds(sec) AS ts"]},
        {"op": "withWatermark", "column": "ts", "delay": "4 seconds"},
        {"op": "groupBy", "keys": ["window(ts, '10 seconds') AS window", "auction"], "aggs": ["count(*) AS num"]}
        """;

    private const string Rename = """{"op": "select", "columns": ["window AS r_window", "auction AS r_auction", "num AS r_num"]}""";

    private static string Query(string operators, string options = "{}") => $$$"""
        {"name": "q", "source": {{{Bids}}}, "operators": [{{{operators}}}],
         "sink": {"kind": "memory"}, "outputMode": "append", "options": {{{options}}}}
        """;

    private static string Join(string rightOperators, string joinType = "inner", string condition = "window = r_window AND num < r_num", string? rightSource = null) => $$$"""
        {"op": "join", "joinType": "{{{joinType}}}", "condition": "{{{condition}}}", "right": {"source": {{{rightSource ?? Bids}}}, "operators": [{{{rightOperators}}}]}}
        """;

    [Theory]
    [InlineData("inner")]
    [InlineData("leftOuter")]
    [InlineData("rightOuter")]
    [InlineData("fullOuter")]
    [InlineData("leftSemi")]
    public void ASelfJoinOfTheCount_SharesIt_WithBothOutputsToTheJoin_OnTheirOwnSides(string joinType)
    {
        var plan = PlanOf(Query($"{Prefix}, {Join($"{Prefix}, {Rename}", joinType)}"));

        Assert.True(plan.SharesStreams);
        Assert.Equal([2, 3], plan.Stages.Select(s => s.Operator.Index));
        var join = (Sluice.Operators.Join.StreamJoinOperator)plan.Stages[1].Operator;
        Assert.Equal([(1, 0, 0), (1, 1, 1)], plan.Stages[0].Outputs.Select(o => (o.Next, o.StreamIndex, o.Suffix.Count)));
        Assert.Equal(1, join.RightStream);
    }

    [Fact]
    public void ARightInputThatIsThePrefixAlone_IsABranchWithoutOperators()
    {
        var plan = PlanOf(Query($"{Prefix}, {Rename}, {Join(Prefix, condition: "r_window = window AND r_num < num")}"));

        Assert.True(plan.SharesStreams);
        Assert.Equal([(1, 0, 1), (1, 1, 0)], plan.Stages[0].Outputs.Select(o => (o.Next, o.StreamIndex, o.Suffix.Count)));
        Assert.Equal("window: struct<start:timestamp,end:timestamp>, auction: bigint, num: bigint", plan.Stages[0].Outputs[1].Schema.Describe());
    }

    [Fact]
    public void ShareSubPlansFalse_PlansASelfJoinApart()
    {
        var plan = PlanOf(Query($"{Prefix}, {Join($"{Prefix}, {Rename}")}", """{"shareSubPlans": "false"}"""));

        Assert.False(plan.SharesStreams);
        Assert.Equal(3, plan.Stages.Count);
        Assert.All(plan.Stages, s => Assert.Single(s.Outputs));
    }

    [Fact]
    public void AJoinAfterASecondStatefulOperator_DoesNotShareTheFirst()
    {
        // The query's max of the counts is the join's left side: not the stage the right input repeats.
        const string Max = """{"op": "groupBy", "keys": ["window"], "aggs": ["max(num) AS maxn"]}""";
        var plan = PlanOf(Query($$"""{{Prefix}}, {{Max}}, {{Join($"{Prefix}, {Rename}", condition: "window = r_window AND maxn = r_num")}}"""));

        Assert.False(plan.SharesStreams);
        Assert.Equal(4, plan.Stages.Count);
    }

    [Fact]
    public void ARightInputShorterThanThePrefix_IsNotShared()
    {
        const string EventTime = """
            {"op": "select", "columns": ["auction AS r_auction", "timestamp_seconds(sec) AS r_ts"]},
            {"op": "withWatermark", "column": "r_ts", "delay": "4 seconds"}
            """;
        var plan = PlanOf(Query($$"""{{Prefix}}, {{Join(EventTime, condition: "auction = r_auction AND r_ts >= window.start AND r_ts < window.end")}}"""));

        Assert.False(plan.SharesStreams);
        Assert.Equal(2, plan.Stages.Count);
    }

    [Fact]
    public void AUnionBeforeTheCount_IsNotShared()
    {
        var other = Bids.Replace("\"bids\"", "\"bids2\"", StringComparison.Ordinal);
        var union = $$$"""{"op": "union", "other": {"source": {{{other}}}, "operators": []}}""";
        var plan = PlanOf(Query($"{union}, {Prefix}, {Join($"{Prefix}, {Rename}")}"));

        Assert.False(plan.SharesStreams);
    }

    [Fact]
    public void ARightInputWithTheSamePrefixOnAnotherStream_IsNotShared()
    {
        var plan = PlanOf(Query($"{Prefix}, {Join($"{Prefix}, {Rename}", rightSource: Bids.Replace("\"bids\"", "\"asks\"", StringComparison.Ordinal))}"));

        Assert.False(plan.SharesStreams);
        Assert.Equal(3, plan.Stages.Count);
    }

    [Fact]
    public void DropDuplicatesAsTheStatefulOperator_IsShared()
    {
        const string Dedup = """
            {"op": "select", "columns": ["auction", "timestamp_seconds(sec) AS ts"]},
            {"op": "withWatermark", "column": "ts", "delay": "4 seconds"},
            {"op": "dropDuplicates", "columns": ["auction", "ts"]}
            """;
        const string RenameDedup = """{"op": "select", "columns": ["auction AS r_auction", "ts AS r_ts"]}""";
        var plan = PlanOf(Query($"{Dedup}, {Join($"{Dedup}, {RenameDedup}", condition: "auction = r_auction AND ts = r_ts")}"));

        Assert.True(plan.SharesStreams);
        Assert.Equal(2, plan.Stages[0].Outputs.Count);
        Assert.Equal([plan.Stages[0].Position], plan.ProgressOrder.Skip(1));
    }
}
