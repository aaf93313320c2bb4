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
/// The plan is a chain of stages between shuffles (<see cref="QueryPlan"/>):
/// <code>
///   stream 0: source -> prefix (filter, select, withWatermark, stream-static join)  ]  partition agents
///   stream 1: source -> prefix (a union's or a stream-stream join's other input)     ]  queryId/stream/partition
///        | shuffle by stage 0's key; rows behind stage 0's late watermark dropped and counted
///   stage 0: stateful operator 0 -> suffix 0 (filter, select)   key groups queryId/op0/g, state/op0/g
///        | shuffle by stage 1's key; rows behind stage 1's late watermark dropped and counted
///   stage 1: stateful operator 1 -> suffix 1                    key groups queryId/op1/g, state/op1/g
///        | ...
///   sink (the last stage's output; a stateless query's agents stage at the sink themselves)
/// </code>
/// Batch N runs every stage in order (the coordinator's protocol): agents read and route to stage 0; then stage by
/// stage, every key group finishes (emit per output mode, evict, fire timers), runs its suffix and routes its rows to
/// the next stage's key groups (one call per destination) or stages them at the sink; the coordinator finishes
/// stage k+1 only after every key group of stage k has finished. Then the sink commits N, every key group of every
/// stage commits state version N, and <c>commits/N</c> is written: one commit for the whole chain, and a replay of
/// N re-runs every stage from version N-1.
///
/// Watermarks (Spark 3.5, <c>PropagateWatermarkSimulator</c>): stage 0's input watermark is the global one; each next
/// stage's is what the stage before lets through (<see cref="WatermarkFlow"/>). A stage evicts by its input
/// watermark of batch N and drops late rows by its input watermark of batch N-1, so the rows a stage emits as
/// the watermark passes them (a closed window, at <c>window_time = end - 1 µs</c>) are not late for the next one.
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
        var main = Stream(connectors, 0, spec.Source, "$.source");
        var streams = new List<StreamBuilder> { main };
        var active = new List<StreamBuilder> { main };
        var stages = new List<StatefulStage>();
        StageBuilder? stage = null;
        for (var i = 0; i < spec.Operators.Count; i++)
        {
            var path = $"$.operators[{i}]";
            var op = spec.Operators[i];
            if (stage is not null)
            {
                stage = PlanAfterStateful(spec, i, stage, stages);
                continue;
            }
            switch (op)
            {
                case FilterSpec f:
                    active.ForEach(b => b.Filter(path, f));
                    break;
                case SelectSpec s:
                    active.ForEach(b => b.Select(path, s));
                    break;
                case WithWatermarkSpec w:
                    active.ForEach(b => b.WithWatermark(path, w));
                    break;
                case UnionSpec u:
                    var other = PlanSubStream(connectors, u.Other, path + ".other", streams.Count);
                    CheckUnionable(path, main.Schema, other.Schema);
                    other.RenameTo(main.Schema);
                    streams.Add(other);
                    active.Add(other);
                    break;
                case JoinSpec j:
                    var right = PlanSubStream(connectors, j.Right, path + ".right", streams.Count);
                    if (connectors.Source(right.Source.Kind).IsStatic)
                    {
                        var join = Compile(path, () => Operators.Join.StaticJoinOperator.Create(path, j, main.Schema, right));
                        active.ForEach(b => b.Add(join, join.OutputSchema));
                        break;
                    }
                    streams.Add(right);
                    var index = i;
                    var streamJoin = Compile(path, () => Operators.Join.StreamJoinOperator.Create(index, path, j, main, right));
                    WatermarkColumn[] sides = [.. new[] { main.Watermark, right.Watermark is { } r ? r with { Index = r.Index + main.Schema.Count } : null }.OfType<WatermarkColumn>()];
                    stage = new StageBuilder(streamJoin, main.Schema, sides, op);
                    break;
                default:
                    var at = i;
                    stage = new StageBuilder(Compile(path, () => StatefulPlanner.Plan(spec, at, path, main.Schema, main.Watermark)), main.Schema,
                        main.Watermark is { } wm ? [wm] : [], op);
                    break;
            }
        }
        if (stage is not null)
        {
            stages.Add(stage.Build(stages.Count));
        }
        OutputModeRules.Check(spec, stages.Select(s => s.Operator).ToList());
        var schema = stages.Count > 0 ? stages[^1].OutputSchema : main.Schema;
        sink.CheckPlan(spec, schema);
        // Late rows go to their sink whole, so a query that names one reads every column.
        var route = stages.Count > 0 && Sinks.LateRows.SinkName(spec) is null ? stages[0].Operator as IColumnarRoute : null;
        return new QueryPlan(spec, streams.Select(b => b.Build(route, route is null ? null : stages[0].InputSchema)).ToList(), stages, schema);
    }

    /// <summary>
    /// After a stateful operator: stateless operators join its stage's suffix; another stateful operator closes the
    /// stage and starts the next, on the schema and watermark columns the suffix left.
    /// </summary>
    private static StageBuilder PlanAfterStateful(QuerySpec spec, int i, StageBuilder stage, List<StatefulStage> stages)
    {
        var path = $"$.operators[{i}]";
        var op = spec.Operators[i];
        switch (op)
        {
            case FilterSpec f:
                stage.Filter(path, f);
                return stage;
            case SelectSpec s:
                stage.Select(path, s);
                return stage;
            case WithWatermarkSpec:
                // Spark's PropagateWatermarkSimulator refuses a watermark node below which a watermark already flows.
                throw Invalid(path + ".op", stage.Watermarks.Count > 0 || HasWatermarkInput(spec, i)
                    ? "Redefining watermark is disallowed: declare withWatermark once, on the input stream, before the first stateful operator"
                    : "withWatermark after a stateful operator is not supported; declare the watermark on the input stream");
            case UnionSpec or JoinSpec:
                throw Invalid(path + ".op",
                    $"'{op.Op}' after a stateful operator ('{spec.Operators[stage.Operator.Index].Op}') is not supported in this build: a union or stream-stream join must come " +
                    "before the first stateful operator (deduplicate or aggregate each input after the join, or split the query in two)");
            default:
                stages.Add(stage.Build(stages.Count));
                var input = stage.Schema;
                var watermark = StageBuilder.Choose(op, input, stage.Watermarks);
                var next = Compile(path, () => StatefulPlanner.Plan(spec, i, path, input, watermark));
                return new StageBuilder(next, input, watermark is null ? [] : stage.Watermarks, op);
        }
    }

    private static bool HasWatermarkInput(QuerySpec spec, int before) => spec.Operators.Take(before).Any(o => o is WithWatermarkSpec);

    /// <summary>The second stream of a union or join: its own source and stateless operators.</summary>
    private static StreamBuilder PlanSubStream(ConnectorRegistry connectors, SubStreamSpec sub, string path, int index)
    {
        var builder = Stream(connectors, index, sub.Source, path + ".source");
        for (var i = 0; i < sub.Operators.Count; i++)
        {
            var opPath = $"{path}.operators[{i}]";
            switch (sub.Operators[i])
            {
                case FilterSpec f:
                    builder.Filter(opPath, f);
                    break;
                case SelectSpec s:
                    builder.Select(opPath, s);
                    break;
                case WithWatermarkSpec w:
                    builder.WithWatermark(opPath, w);
                    break;
                default:
                    throw Invalid(opPath + ".op", $"'{sub.Operators[i].Op}' is not supported inside a union or join input; only select, filter and withWatermark (put stateful operators after the union or join)");
            }
        }
        return builder;
    }

    /// <summary>Spark's union: by position, the same number of columns of the same types; names come from the first stream.</summary>
    private static void CheckUnionable(string path, StreamSchema first, StreamSchema other)
    {
        if (first.Count != other.Count || Enumerable.Range(0, first.Count).Any(i => !first[i].Type.Equals(other[i].Type)))
        {
            throw Invalid(path + ".other",
                $"Union can only be performed on streams with the same number of columns of the same types, by position: the first has [{first.Describe()}], the other [{other.Describe()}]; add a select to the other stream to line them up");
        }
    }

    /// <summary>A stream of the source's kind, its spec part checked by its connector.</summary>
    private static StreamBuilder Stream(ConnectorRegistry connectors, int index, SourceSpec source, string path) => Checked(() =>
    {
        var connector = connectors.Source(source.Kind, path);
        connector.Validate(source, path);
        return new StreamBuilder(index, source, connector.Schema(source));
    });

    private static T Checked<T>(Func<T> check)
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
