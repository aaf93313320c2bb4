using Sluice.Data;
using Sluice.Operators;
using Sluice.Operators.Aggregation;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>Compiles the stateful operator of a query against the schema that reaches it.</summary>
internal static class StatefulPlanner
{
    /// <param name="index">The operator's index: its place in the query's operators (see <see cref="PipelineBuilder.NestedIndexBase"/> for an input's).</param>
    public static IStatefulOperator Plan(QuerySpec spec, OperatorSpec op, int index, string path, StreamSchema input, WatermarkColumn? watermark) => op switch
    {
        GroupBySpec g => PlanAggregation(spec, index, path, g, input, watermark),
        DropDuplicatesSpec d => DeduplicateOperator.Create(index, path, d, input, watermark),
        GroupsWithStateSpec g => GroupsWithStateOperator.Create(index, path, g, input, watermark),
        _ => throw QueryPlanner.Invalid(path + ".op",
            $"the '{op.Op}' operator is not available in this build of Sluice; supported: select, filter, withWatermark, groupBy, dropDuplicates, flatMapGroupsWithState, mapGroupsWithState"),
    };

    private static IStatefulOperator PlanAggregation(QuerySpec spec, int index, string path, GroupBySpec g, StreamSchema input, WatermarkColumn? watermark)
    {
        var keys = g.Keys.Select((k, i) => QueryPlanner.Compile($"{path}.keys[{i}]", () => GroupKey.Compile(k, input))).ToList();
        var sessionKey = keys.FindIndex(k => k.Session is not null);
        if (sessionKey >= 0)
        {
            if (keys.Any(k => k.Window is not null) || keys.Count(k => k.Session is not null) > 1)
            {
                throw QueryPlanner.Invalid(path + ".keys", SelectWindows.MultipleWindows + "; a session_window() key cannot be combined with window() or another session_window()");
            }
            if (spec.OutputMode == OutputMode.Update)
            {
                // SPARK-36463: a session's row changes key (its start and end) as sessions merge, so "the rows updated in
                // this batch" has no meaning a sink could apply.
                throw QueryPlanner.Invalid("$.outputMode",
                    "Update output mode not supported for session window on streaming DataFrames/DataSets; use append (with a watermark on the session's time column) or complete");
            }
            if (keys.Count == 1)
            {
                throw QueryPlanner.Invalid(path + ".keys",
                    "Global aggregation with session window in streaming query is not supported; group by another key besides session_window (e.g. a user or session id)");
            }
            var sessionAggregates = g.Aggs.Select((a, i) => QueryPlanner.Compile($"{path}.aggs[{i}]", () => AggregateBinder.Bind(a, input))).ToList();
            return new SessionWindowOperator(index, keys, sessionKey, new AggregateSet(sessionAggregates), spec.OutputMode, watermark, Describe(g, input));
        }
        if (keys.Count(k => k.Window is not null) > 1)
        {
            throw QueryPlanner.Invalid(path + ".keys", SelectWindows.MultipleWindows + "; group by one window() key");
        }
        var aggregates = g.Aggs.Select((a, i) => QueryPlanner.Compile($"{path}.aggs[{i}]", () => AggregateBinder.Bind(a, input))).ToList();
        return new AggregationOperator(index, keys, new AggregateSet(aggregates), spec.OutputMode, watermark, Describe(g, input));
    }

    private static Dictionary<string, string> Describe(GroupBySpec g, StreamSchema input) => new()
    {
        ["op"] = g.Op,
        ["keys"] = string.Join(", ", g.Keys),
        ["aggs"] = string.Join(", ", g.Aggs),
        ["input"] = input.Describe(),
    };
}
