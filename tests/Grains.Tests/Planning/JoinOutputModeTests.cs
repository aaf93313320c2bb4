using Sluice.Contracts;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary>Nexmark q4's shape (a stream-stream join, then a max per auction and an average per category) in complete or update mode: refused, saying why and what runs.</summary>
public class JoinOutputModeTests
{
    [Theory]
    [InlineData("complete", "Complete")]
    [InlineData("update", "Update")]
    public void AggregationsAfterAJoin_NotInAppendMode_AreRefused_NamingTheFix(string mode, string named)
    {
        var spec = SpecReader.Read($$$"""
            {"name": "q4", "source": {"kind": "memory", "name": "a", "schema": {"a_id": "long", "a_category": "long", "a_time": "timestamp"}},
             "operators": [
               {"op": "withWatermark", "column": "a_time", "delay": "4 seconds"},
               {"op": "join", "joinType": "inner", "condition": "a_id = auction",
                "right": {"source": {"kind": "memory", "name": "b", "schema": {"auction": "long", "price": "long", "dateTime": "timestamp"}},
                          "operators": [{"op": "withWatermark", "column": "dateTime", "delay": "4 seconds"}]}},
               {"op": "groupBy", "keys": ["a_id", "a_category"], "aggs": ["max(price) AS final"]},
               {"op": "groupBy", "keys": ["a_category AS category"], "aggs": ["avg(final) AS avg_final"]}],
             "sink": {"kind": "memory"}, "outputMode": "{{{mode}}}"}
            """);

        var e = Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry()));

        Assert.Contains($"Join between two streaming DataFrames/Datasets is not supported in {named} output mode, only in Append output mode", e.Message, StringComparison.Ordinal);
        Assert.Contains("use append mode: an aggregation after the join then needs withWatermark", e.Message, StringComparison.Ordinal);
    }
}
