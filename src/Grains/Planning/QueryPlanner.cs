using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Validates a spec and compiles it: every expression is bound to the schema it sees and type-checked, so a
/// query that would fail on its first row fails to start; Spark's output-mode rules are checked. Errors name
/// the JSON path of the bad field.
/// </summary>
internal static class QueryPlanner
{
    public static QueryPlan Plan(QuerySpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            throw Invalid("$.name", "a query needs a name");
        }
        var sourceSchema = SourceSchemas.For(spec.Source);
        var schema = sourceSchema;
        var prefix = new List<IRowOperator>();
        var suffix = new List<IRowOperator>();
        IStatefulOperator? stateful = null;
        var statefulInput = schema;
        WatermarkColumn? watermark = null;
        WithWatermarkSpec? watermarkSpec = null;
        for (var i = 0; i < spec.Operators.Count; i++)
        {
            var path = $"$.operators[{i}]";
            var current = stateful is null ? prefix : suffix;
            switch (spec.Operators[i])
            {
                case FilterSpec f:
                    current.Add(new FilterOperator(Compile(path + ".condition", () => ExpressionCompiler.CompilePredicate(f.Condition, schema))));
                    break;
                case SelectSpec s:
                    var columns = s.Columns.Select((c, j) => Compile($"{path}.columns[{j}]", () => ExpressionCompiler.CompileNamed(c, schema))).ToList();
                    current.Add(new ProjectOperator(columns));
                    schema = new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList());
                    if (stateful is null)
                    {
                        watermark = watermark?.Follow(columns.Select(c => c.Expression.Syntax).ToList(), schema);
                    }
                    break;
                case WithWatermarkSpec w:
                    if (stateful is not null)
                    {
                        throw Invalid(path + ".op", "withWatermark after a stateful operator is not supported; declare the watermark on the input stream");
                    }
                    var index = schema.IndexOf(w.Column);
                    if (index < 0)
                    {
                        throw Invalid(path + ".column", $"unknown column '{w.Column}' for withWatermark; available columns: {schema.Describe()}");
                    }
                    if (schema[index].Type.Kind != DataTypeKind.Timestamp)
                    {
                        throw Invalid(path + ".column", $"withWatermark needs a timestamp column, but '{w.Column}' is {schema[index].Type}; CAST it to timestamp in a select first");
                    }
                    watermark = new WatermarkColumn(w, index, schema[index].Name);
                    watermarkSpec = w;
                    prefix.Add(new WatermarkOperator(index));
                    break;
                default:
                    if (stateful is not null)
                    {
                        throw Invalid(path + ".op", $"a second stateful operator ('{spec.Operators[i].Op}' after '{spec.Operators[stateful.Index].Op}') is not supported yet; split the query in two");
                    }
                    statefulInput = schema;
                    stateful = Compile(path, () => StatefulPlanner.Plan(spec, i, path, schema, watermark));
                    schema = stateful.OutputSchema;
                    break;
            }
        }
        OutputModeRules.Check(spec, stateful);
        SinkRules.Check(spec, schema);
        return new QueryPlan(spec, sourceSchema, prefix, stateful, suffix, schema, watermarkSpec, statefulInput);
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
