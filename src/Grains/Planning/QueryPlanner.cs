using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Validates a spec and compiles it: every expression is bound to the schema it sees and type-checked, so a
/// query that would fail on its first row fails to start. Errors name the JSON path of the bad field.
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
        var operators = new List<IRowOperator>();
        WithWatermarkSpec? watermark = null;
        for (var i = 0; i < spec.Operators.Count; i++)
        {
            var path = $"$.operators[{i}]";
            switch (spec.Operators[i])
            {
                case FilterSpec f:
                    operators.Add(new FilterOperator(Compile(path + ".condition", () => ExpressionCompiler.CompilePredicate(f.Condition, schema))));
                    break;
                case SelectSpec s:
                    var columns = s.Columns.Select((c, j) => Compile($"{path}.columns[{j}]", () => ExpressionCompiler.CompileNamed(c, schema))).ToList();
                    operators.Add(new ProjectOperator(columns));
                    schema = new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList());
                    break;
                case WithWatermarkSpec w:
                    var index = schema.IndexOf(w.Column);
                    if (index < 0)
                    {
                        throw Invalid(path + ".column", $"unknown column '{w.Column}' for withWatermark; available columns: {schema.Describe()}");
                    }
                    if (schema[index].Type.Kind != DataTypeKind.Timestamp)
                    {
                        throw Invalid(path + ".column", $"withWatermark needs a timestamp column, but '{w.Column}' is {schema[index].Type}; CAST it to timestamp in a select first");
                    }
                    watermark = w;
                    operators.Add(new WatermarkOperator(index));
                    break;
                default:
                    throw Invalid(path + ".op", $"the '{spec.Operators[i].Op}' operator is not available in this build of Sluice; supported: select, filter, withWatermark");
            }
        }
        if (spec.OutputMode == OutputMode.Complete)
        {
            throw Invalid("$.outputMode", "Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; use append or update");
        }
        return new QueryPlan(spec, sourceSchema, operators, schema, watermark);
    }

    private static T Compile<T>(string path, Func<T> compile)
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

    private static QueryStartException Invalid(string path, string problem) =>
        new(new SpecException(path, problem).Message);
}
