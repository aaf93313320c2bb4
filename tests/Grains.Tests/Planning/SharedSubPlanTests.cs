using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>
/// A join input that repeats the query's source and operators up to its first stateful one (Nexmark q5's shape) is
/// planned once: one stage with an output per side. Anything that differs in that prefix keeps the inputs apart.
/// </summary>
public class SharedSubPlanTests
{
    private static QueryPlan PlanOf(QuerySpec spec) => QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry());

    private const string Bids = """{"kind": "memory", "name": "bids", "schema": {"auction": "long", "sec": "long"}}""";

    private const string EventTime = """
        {"op": "select", "columns": ["auction", "timestamp_seconds(sec) AS ts"]},
        {"op": "withWatermark", "column": "ts", "delay": "4 seconds"}
        """;

    private const string Count = """{"op": "groupBy", "keys": ["window(ts, '10 seconds', '2 seconds') AS window", "auction"], "aggs": ["count(*) AS num"]}""";

    /// <summary>Nexmark q5 on a memory stream; <paramref name="rightPrefix"/> replaces the right input's operators before its max.</summary>
    private static QuerySpec Q5(string? rightSource = null, string? rightPrefix = null, string options = "{}") => SpecReader.Read($$$"""
        {"name": "q5", "source": {{{Bids}}}, "operators": [
          {{{EventTime}}}, {{{Count}}},
          {"op": "select", "columns": ["auction", "num", "window"]},
          {"op": "join", "joinType": "inner", "condition": "window = m_window AND num >= maxn", "right": {
            "source": {{{rightSource ?? Bids}}},
            "operators": [{{{rightPrefix ?? EventTime + ", " + Count}}},
              {"op": "groupBy", "keys": ["window"], "aggs": ["max(num) AS maxn"]},
              {"op": "select", "columns": ["window AS m_window", "maxn"]}]}},
          {"op": "select", "columns": ["auction", "num"]}],
         "sink": {"kind": "memory"}, "outputMode": "append", "options": {{{options}}}}
        """);

    [Fact]
    public void Q5_PlansTheCountOnce_WithAnOutputToTheJoinAndOneToTheMax()
    {
        var plan = PlanOf(Q5());

        // The count (operator 2), the right input's max ((4 + 1) * 1000 + 3), the join (4): the right input's own count
        // (5002) is not planned.
        Assert.Equal([2, 5003, 4], plan.Stages.Select(s => s.Operator.Index));
        var count = plan.Stages[0];
        Assert.Equal([(1, 1), (2, 0)], count.Outputs.Select(o => (o.Next, o.StreamIndex)));
        // The branch to the max has no suffix; the join's side keeps the query's select.
        Assert.Equal([0, 1], count.Outputs.Select(o => o.Suffix.Count));
        Assert.Equal("window: struct<start:timestamp,end:timestamp>, auction: bigint, num: bigint", count.Outputs[0].Schema.Describe());
        Assert.Equal("auction: bigint, num: bigint, window: struct<start:timestamp,end:timestamp>", count.Outputs[1].Schema.Describe());
        Assert.Equal([(2, 1)], plan.Stages[1].Outputs.Select(o => (o.Next, o.StreamIndex)));
        Assert.Equal(1, ((Sluice.Operators.Join.StreamJoinOperator)plan.Stages[2].Operator).RightStream);
        // Both sources stay streams of the plan (offsets, progress); the right one reads nothing of its own.
        Assert.Equal([null, 0], plan.Streams.Select(s => s.SharedWith));
        Assert.Equal([0, -1], plan.StreamTargets);
        Assert.Equal(plan.Streams[0].Watermark, plan.Streams[1].Watermark);
        Assert.True(plan.SharesStreams);
        Assert.Equal([7000, 7000, 7000], plan.InputWatermarks(7000));
        // The join, then its left input's count, then the max (whose input, the count, is listed once).
        Assert.Equal([2, 0, 1], plan.ProgressOrder);
    }

    [Fact]
    public void Q5_WithShareSubPlansFalse_PlansEachInputApart()
    {
        var plan = PlanOf(Q5(options: """{"shareSubPlans": "false"}"""));

        Assert.Equal([5002, 2, 5003, 4], plan.Stages.Select(s => s.Operator.Index));
        Assert.All(plan.Stages, s => Assert.Single(s.Outputs));
        Assert.Equal([null, null], plan.Streams.Select(s => s.SharedWith));
        Assert.False(plan.SharesStreams);
    }

    [Fact]
    public void ShareSubPlans_OtherThanTrueOrFalse_IsRefused()
    {
        var e = Assert.Throws<Sluice.Contracts.QueryStartException>(() => PlanOf(Q5(options: """{"shareSubPlans": "yes"}""")));

        Assert.Contains("$.options.shareSubPlans", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSourcesName_IsNotPartOfThePrefix_ExceptForAMemorySource()
    {
        const string Nexmark = """{"kind": "nexmark", "name": "bid", "options": {"stream": "bid", "events": "1000", "partitions": "2"}}""";
        const string NexmarkPrefix = """
            {"op": "withWatermark", "column": "dateTime", "delay": "4 seconds"},
            {"op": "groupBy", "keys": ["window(dateTime, '10 seconds', '2 seconds') AS window", "auction"], "aggs": ["count(*) AS num"]}
            """;
        QuerySpec Nexmark5(string right) => SpecReader.Read($$$"""
            {"name": "q5", "source": {{{Nexmark}}}, "operators": [{{{NexmarkPrefix}}},
              {"op": "join", "joinType": "inner", "condition": "window = m_window AND num >= maxn", "right": {"source": {{{right}}}, "operators": [{{{NexmarkPrefix}}},
                {"op": "groupBy", "keys": ["window"], "aggs": ["max(num) AS maxn"]}, {"op": "select", "columns": ["window AS m_window", "maxn"]}]}}],
             "sink": {"kind": "memory"}, "outputMode": "append"}
            """);

        Assert.True(PlanOf(Nexmark5(Nexmark.Replace("\"name\": \"bid\"", "\"name\": \"bid_max\"", StringComparison.Ordinal))).SharesStreams);
        Assert.False(PlanOf(Nexmark5(Nexmark.Replace("\"1000\"", "\"2000\"", StringComparison.Ordinal))).SharesStreams);
        // A memory source's name is the stream it reads.
        Assert.False(PlanOf(Q5(rightSource: Bids.Replace("\"bids\"", "\"bids2\"", StringComparison.Ordinal))).SharesStreams);
    }

    public static TheoryData<string, string> DifferingPrefixes => new()
    {
        { "watermark delay", EventTime.Replace("4 seconds", "5 seconds", StringComparison.Ordinal) + ", " + Count },
        { "window", EventTime + ", " + Count.Replace("'2 seconds'", "'5 seconds'", StringComparison.Ordinal) },
        { "aggregate", EventTime + ", " + Count.Replace("count(*) AS num", "count(auction) AS num", StringComparison.Ordinal) },
        { "filter", """{"op": "filter", "condition": "auction > 0"}, """ + EventTime + ", " + Count },
        { "select", EventTime.Replace("\"auction\",", "\"auction + 0 AS auction\",", StringComparison.Ordinal) + ", " + Count },
    };

    [Theory]
    [MemberData(nameof(DifferingPrefixes))]
    public void ARightInputDifferingBeforeOrAtTheStatefulOperator_IsNotShared(string what, string rightPrefix)
    {
        var plan = PlanOf(Q5(rightPrefix: rightPrefix));

        Assert.False(plan.SharesStreams, what);
        Assert.Equal(4, plan.Stages.Count);
    }

    [Fact]
    public void ASocketSource_WhichMayGiveEachReaderOtherRows_IsNotShared()
    {
        const string Socket = """{"kind": "socket", "host": "localhost", "port": 9999}""";
        const string Prefix = """
            {"op": "select", "columns": ["CAST(value AS long) AS auction", "timestamp_seconds(CAST(value AS long)) AS ts"]},
            {"op": "withWatermark", "column": "ts", "delay": "4 seconds"},
            {"op": "groupBy", "keys": ["window(ts, '10 seconds', '2 seconds') AS window", "auction"], "aggs": ["count(*) AS num"]}
            """;
        var spec = SpecReader.Read($$$"""
            {"name": "q5", "source": {{{Socket}}}, "operators": [{{{Prefix}}},
              {"op": "join", "joinType": "inner", "condition": "window = m_window AND num >= maxn", "right": {"source": {{{Socket}}}, "operators": [{{{Prefix}}},
                {"op": "groupBy", "keys": ["window"], "aggs": ["max(num) AS maxn"]}, {"op": "select", "columns": ["window AS m_window", "maxn"]}]}}],
             "sink": {"kind": "memory"}, "outputMode": "append"}
            """);

        Assert.False(PlanOf(spec).SharesStreams);
    }

    [Fact]
    public void ASourceOptionThatDiffers_IsNotShared()
    {
        var plan = PlanOf(Q5(rightSource: Bids.Replace("\"sec\": \"long\"", "\"sec\": \"long\", \"extra\": \"long\"", StringComparison.Ordinal),
            rightPrefix: EventTime + ", " + Count));

        Assert.False(plan.SharesStreams);
    }

    [Fact]
    public void AUserProcessor_WhichSparkCallsOncePerInput_IsNotShared()
    {
        const string Keys = """{"kind": "memory", "name": "keys", "schema": {"key": "string"}}""";
        const string Prefix = """
            {"op": "select", "columns": ["key"]},
            {"op": "flatMapGroupsWithState", "keys": ["key"], "processor": "RunningCount", "timeout": "none", "outputMode": "append"}
            """;
        var spec = SpecReader.Read($$$"""
            {"name": "counts", "source": {{{Keys}}}, "operators": [{{{Prefix}}},
              {"op": "join", "joinType": "inner", "condition": "key = r_key", "right": {"source": {{{Keys}}}, "operators": [{{{Prefix}}},
                {"op": "select", "columns": ["key AS r_key", "count AS r_count"]}]}}],
             "sink": {"kind": "memory"}, "outputMode": "append"}
            """);

        var plan = PlanOf(spec);

        Assert.False(plan.SharesStreams);
        Assert.Equal(3, plan.Stages.Count);
    }
}
