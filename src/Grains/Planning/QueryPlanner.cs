using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Validates a spec and compiles it: every expression is bound to the schema it sees and type-checked, so a
/// query that would fail on its first row fails to start; Spark's output-mode rules are checked. Errors name
/// the JSON path of the bad field; an option nothing reads is an error (<see cref="SpecOptions"/>).
/// </summary>
/// <remarks>
/// The plan is a graph of stages between shuffles (<see cref="QueryPlan"/>, built by <see cref="PipelineBuilder"/>):
/// <code>
///   stream 0: source -> prefix (filter, select, withWatermark, stream-static join)  ]  partition agents
///   stream 1: source -> prefix (a union's or a join's other input)                   ]  queryId/stream/partition
///        | each stream: shuffle by its first stateful operator's key; rows behind that operator's late watermark dropped
///   stage: stateful operator -> suffix (filter, select)   key groups queryId/op/g, state/op/g
///        | shuffle by the next stage's key (a join is told which side the rows are), or to the sink
///   e.g. stream 0 -> groupBy A --left--> join J -> sink
///        stream 1 -> groupBy B --right-/
/// </code>
/// Batch N runs every stage in plan order, each after the stages that feed it (the coordinator's protocol): agents
/// read and route to their stages; then stage by stage, every key group finishes (emit per output mode, evict, fire
/// timers), runs its suffix and routes its rows to the next stage's key groups (one call per destination) or stages
/// them at the sink. Then the sink commits N, every key group of every stage commits state version N, and
/// <c>commits/N</c> is written: one commit for the whole graph, and a replay of N re-runs every stage from version N-1.
///
/// Watermarks (Spark 3.5, <c>PropagateWatermarkSimulator</c>): a stage fed by streams gets the global watermark; one fed
/// by stages the least of what they let through (<see cref="WatermarkFlow"/>). A stage evicts by its input watermark
/// of batch N and drops late rows by its input watermark of batch N-1, so the rows a stage emits as the watermark
/// passes them (a closed window, at <c>window_time = end - 1 µs</c>) are not late for the next one.
/// </remarks>
internal static class QueryPlanner
{
    public static QueryPlan Plan(QuerySpec spec, ConnectorRegistry connectors)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            throw Invalid("$.name", "a query needs a name");
        }
        var sink = Checked(() =>
        {
            var connector = connectors.Sink(spec.Sink.Kind);
            connector.Validate(spec.Sink, "$.sink");
            SpecOptions.Check(spec, connector.Options);
            return connector;
        });
        var graph = new PlanGraph();
        var main = PipelineBuilder.Main(graph, connectors, spec);
        foreach (var end in main.Ends)
        {
            graph.Connect(end, null);
        }
        var (stages, targets) = graph.Build();
        var ancestors = Ancestors(stages);
        OutputModeRules.Check(spec, stages.Select(s => s.Operator).ToList(), p => ancestors[p].Select(a => stages[a].Operator));
        var schema = main.First.Schema;
        sink.CheckPlan(spec, schema);
        // Late rows go to their sink whole, so a query that names one reads every column.
        var lateRowsSink = Sinks.LateRows.SinkName(spec) is not null;
        var streams = graph.Streams.Select((b, i) =>
        {
            var route = targets[i] >= 0 && !lateRowsSink ? stages[targets[i]].Operator as IColumnarRoute : null;
            return b.Build(route, route is null ? null : stages[targets[i]].InputSchema);
        }).ToList();
        return new QueryPlan(spec, streams, stages, targets, schema);
    }

    /// <summary>Per stage, the positions of every stage whose rows reach it (directly or through others).</summary>
    private static List<HashSet<int>> Ancestors(IReadOnlyList<StatefulStage> stages)
    {
        var result = stages.Select(_ => new HashSet<int>()).ToList();
        foreach (var (stage, next) in stages.SelectMany(s => s.Outputs.Where(o => o.Next >= 0).Select(o => (s, o.Next))))
        {
            result[next].Add(stage.Position);
            result[next].UnionWith(result[stage.Position]);
        }
        return result;
    }

    internal static T Checked<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (SpecException e)
        {
            throw new QueryStartException(e.Message);
        }
    }

    internal static T Compile<T>(string path, Func<T> compile)
    {
        try
        {
            return compile();
        }
        catch (ExpressionException e)
        {
            throw Invalid(path, e.Message);
        }
    }

    internal static QueryStartException Invalid(string path, string problem) =>
        new(new SpecException(path, problem).Message);
}
