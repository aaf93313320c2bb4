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
        var suffix = new List<IRowOperator>();
        IStatefulOperator? stateful = null;
        var schema = main.Schema;
        var statefulInput = schema;
        for (var i = 0; i < spec.Operators.Count; i++)
        {
            var path = $"$.operators[{i}]";
            var op = spec.Operators[i];
            if (stateful is not null)
            {
                schema = PlanAfterStateful(spec, stateful, op, path, schema, suffix);
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
                    statefulInput = main.Schema;
                    stateful = Compile(path, () => Operators.Join.StreamJoinOperator.Create(i, path, j, main, right));
                    break;
                default:
                    statefulInput = main.Schema;
                    stateful = Compile(path, () => StatefulPlanner.Plan(spec, i, path, main.Schema, main.Watermark));
                    break;
            }
            schema = stateful?.OutputSchema ?? main.Schema;
        }
        OutputModeRules.Check(spec, stateful);
        sink.CheckPlan(spec, schema);
        return new QueryPlan(spec, streams.Select(b => b.Build()).ToList(), stateful, suffix, schema, statefulInput);
    }

    /// <summary>After the stateful operator: stateless operators on its output, in the window grains.</summary>
    private static StreamSchema PlanAfterStateful(QuerySpec spec, IStatefulOperator stateful, OperatorSpec op, string path, StreamSchema schema, List<IRowOperator> suffix)
    {
        switch (op)
        {
            case FilterSpec f:
                suffix.Add(new FilterOperator(Compile(path + ".condition", () => ExpressionCompiler.CompilePredicate(f.Condition, schema))));
                return schema;
            case SelectSpec s:
                var columns = s.Columns.Select((c, j) => Compile($"{path}.columns[{j}]", () => ExpressionCompiler.CompileNamed(c, schema))).ToList();
                suffix.Add(new ProjectOperator(columns));
                return new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList());
            case WithWatermarkSpec:
                throw Invalid(path + ".op", "withWatermark after a stateful operator is not supported; declare the watermark on the input stream");
            default:
                throw Invalid(path + ".op", $"a second stateful operator ('{op.Op}' after '{spec.Operators[stateful.Index].Op}') is not supported yet; split the query in two");
        }
    }

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
