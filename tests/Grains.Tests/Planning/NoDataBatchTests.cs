using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>
/// When a batch with no new data is due after the watermark moved (Spark's <c>shouldRunAnotherBatch</c> per stateful
/// operator), and which streams of a plan read one source (progress lists it once).
/// </summary>
public class NoDataBatchTests
{
    private static QueryPlan PlanOf(string operators, string mode, string? source = null) => QueryPlanner.Plan(SpecReader.Read($$$"""
        {"name": "q", "source": {{{source ?? Events}}}, "operators": [{{{operators}}}], "sink": {"kind": "memory"}, "outputMode": "{{{mode}}}"}
        """), Sluice.Connectors.BuiltInConnectors.CreateRegistry());

    private const string Events = """{"kind": "memory", "name": "events", "schema": {"id": "string", "ts": "timestamp"}}""";

    private const string Watermark = """{"op": "withWatermark", "column": "ts", "delay": "5 seconds"}""";

    private const string WindowCount = """{"op": "groupBy", "keys": ["window(ts, '5 seconds') AS window"], "aggs": ["count(*) AS n"]}""";

    private static string JoinOn(string condition) => $$$"""
        {"op": "join", "joinType": "inner", "condition": "{{{condition}}}",
         "right": {"source": {"kind": "memory", "name": "other", "schema": {"rid": "string", "rts": "timestamp"}},
                   "operators": [{"op": "withWatermark", "column": "rts", "delay": "5 seconds"}]}}
        """;

    [Theory]
    [InlineData("update", true)]
    [InlineData("append", true)]
    [InlineData("complete", false)]
    public void AnAggregation_AsksForOne_InAppendAndUpdateModeOnly(string mode, bool due)
    {
        var plan = PlanOf($"{Watermark}, {WindowCount}", mode);

        Assert.Equal(due, plan.NoDataBatchDue(0, 5_000));
        Assert.Equal(due, plan.NoDataBatchDue(5_000, 6_000));
    }

    [Theory]
    [InlineData("update")]
    [InlineData("append")]
    public void NoOperatorAsks_WhenTheWatermarkStaysPut(string mode)
    {
        var plan = PlanOf($"{Watermark}, {WindowCount}", mode);

        Assert.False(plan.NoDataBatchDue(5_000, 5_000));
        Assert.False(plan.NoDataBatchDue(0, 0));
    }

    [Fact]
    public void ADeduplication_AsksForOne()
    {
        Assert.True(PlanOf($"""{Watermark}, {"{"}"op": "dropDuplicates", "columns": ["id", "ts"]{"}"}""", "append").NoDataBatchDue(0, 5_000));
    }

    [Fact]
    public void AJoinWhoseStateTheWatermarkNeverCleans_DoesNotAsk_OneWithATimeBoundDoes()
    {
        Assert.False(PlanOf($"{Watermark}, {JoinOn("id = rid")}", "append").NoDataBatchDue(0, 5_000));
        Assert.True(PlanOf($"{Watermark}, {JoinOn("id = rid AND rts >= ts AND rts <= ts + interval 10 seconds")}", "append").NoDataBatchDue(0, 5_000));
    }

    [Fact]
    public void AStatelessQuery_NeverAsks()
    {
        Assert.False(PlanOf(Watermark, "append").NoDataBatchDue(0, 5_000));
    }

    [Fact]
    public void AStreamReadTwice_IsOneSource_OthersAreTheirOwn()
    {
        var selfUnion = PlanOf("""{"op": "union", "other": {"source": {"kind": "memory", "name": "events", "schema": {"id": "string", "ts": "timestamp"}}}}""", "append");
        var otherUnion = PlanOf("""{"op": "union", "other": {"source": {"kind": "memory", "name": "more", "schema": {"id": "string", "ts": "timestamp"}}}}""", "append");
        var files = """{"kind": "files", "name": "a", "path": "in", "format": "json", "schema": {"id": "string"}}""";
        var selfUnionOfFiles = PlanOf("""{"op": "union", "other": {"source": {"kind": "files", "name": "a", "path": "in", "format": "json", "schema": {"id": "string"}}}}""", "append", files);
        // Two reads of one folder under two names are two sources, as two load() calls are in Spark.
        var twoReadsOfFiles = PlanOf("""{"op": "union", "other": {"source": {"kind": "files", "name": "b", "path": "in", "format": "json", "schema": {"id": "string"}}}}""", "append", files);

        Assert.Equal([0, 0], selfUnion.SourceOf);
        Assert.Equal([0, 1], otherUnion.SourceOf);
        Assert.Equal([0, 0], selfUnionOfFiles.SourceOf);
        Assert.Equal([0, 1], twoReadsOfFiles.SourceOf);
    }
}
