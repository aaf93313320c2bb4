using Sluice.Contracts;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>What a query is refused at start for, rather than silently ignoring part of it.</summary>
public class StartRulesTests
{
    private static QuerySpec Query(string extra = "", string sink = """{"kind": "memory"}""") => SpecReader.Read($$$"""
        {"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {{{sink}}} {{{extra}}}}
        """);

    private static QueryStartException Refused(QuerySpec spec) => Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry()));

    [Fact]
    public void UnknownQueryOption_Typo_IsRefusedNamingTheValidOnes()
    {
        var e = Refused(Query(""", "options": {"lateRowSink": "late"}"""));

        Assert.Equal(
            "Invalid query spec at $.options.lateRowSink: unknown option 'lateRowSink' (did you mean 'lateRowsSink'?); " +
            "valid query options: keyGroups, lateRowsSink, minBatchesToRetain, shareSubPlans",
            e.Message);
    }

    [Fact]
    public void SparksCheckpointLocation_GivenAsAnOption_IsRefusedPointingToTheField()
    {
        var e = Refused(Query(""", "options": {"checkpointLocation": "/tmp/c"}"""));

        Assert.StartsWith("Invalid query spec at $.options.checkpointLocation: unknown option 'checkpointLocation' ('checkpointLocation' is a field of the query", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("valid query options: keyGroups, lateRowsSink, minBatchesToRetain, shareSubPlans", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind": "memory", "options": {"truncate": "false"}}""", "truncate", "memory")]
    [InlineData("""{"kind": "json", "path": "out", "options": {"compression": "gzip"}}""", "compression", "json")]
    [InlineData("""{"kind": "kafka", "topic": "t", "options": {"acks": "all"}}""", "acks", "kafka")]
    public void SinkOption_NoSinkKindReads_IsRefused(string sink, string option, string kind)
    {
        var e = Refused(Query(sink: sink));

        Assert.Equal($"Invalid query spec at $.sink.options.{option}: unknown option '{option}'; there are no {kind} sink options; remove it", e.Message);
    }

    [Fact]
    public void SinkOption_ThatIsASinkField_SaysToSetTheField()
    {
        var e = Refused(Query(sink: """{"kind": "parquet", "path": "out", "options": {"path": "elsewhere"}}"""));

        Assert.Contains("('path' is a field of the sink, not an option: set it there)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KnownQueryOptions_AreAccepted()
    {
        var plan = QueryPlanner.Plan(Query(""", "options": {"keyGroups": "4", "lateRowsSink": "late", "minBatchesToRetain": "10"}"""), Sluice.Connectors.BuiltInConnectors.CreateRegistry());

        Assert.NotNull(plan);
    }

    [Theory]
    [InlineData("minBatchesToRetain", "0")]
    [InlineData("minBatchesToRetain", "ten")]
    [InlineData("keyGroups", "-4")]
    public void NumericQueryOption_NotAPositiveWholeNumber_IsRefused(string option, string value)
    {
        var e = Refused(Query($$$""", "options": {"{{{option}}}": "{{{value}}}"}"""));

        Assert.Equal($"Invalid query spec at $.options.{option}: expected a positive whole number, found '{value}'", e.Message);
    }

    private static QuerySpec GroupsWithState(string operatorMode, string queryMode) => SpecReader.Read($$$"""
        {"name": "q", "source": {"kind": "memory", "schema": {"key": "string", "eventTime": "timestamp"}},
         "operators": [{"op": "flatMapGroupsWithState", "keys": ["key"], "processor": "MaxEventTimeWithEventTimeTimeout", "outputMode": "{{{operatorMode}}}"}],
         "sink": {"kind": "memory"}, "outputMode": "{{{queryMode}}}"}
        """);

    [Fact]
    public void FlatMapGroupsWithState_InCompleteOutputMode_IsRefusedAsSparkDoes()
    {
        var e = Refused(GroupsWithState("update", "complete"));

        Assert.StartsWith("Invalid query spec at $.outputMode: Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlatMapGroupsWithState_WithACompleteFunction_IsRefusedAsSparkDoes()
    {
        var e = Refused(GroupsWithState("complete", "complete"));

        Assert.Equal("Invalid query spec at $.operators[0].outputMode: The output mode of function should be append or update", e.Message);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("append")]
    public void FlatMapGroupsWithState_InItsOwnMode_IsAccepted(string mode) =>
        Assert.NotNull(QueryPlanner.Plan(GroupsWithState(mode, mode), Sluice.Connectors.BuiltInConnectors.CreateRegistry()));
}
