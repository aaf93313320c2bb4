using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>Builds one stream's stateless operators while the planner walks a (sub-)pipeline.</summary>
internal sealed class StreamBuilder(int index, SourceSpec source, StreamSchema sourceSchema)
{
    private readonly List<IRowOperator> _prefix = [];

    public int Index { get; } = index;

    public SourceSpec Source { get; } = source;

    public StreamSchema SourceSchema { get; } = sourceSchema;

    public StreamSchema Schema { get; private set; } = sourceSchema;

    public WatermarkColumn? Watermark { get; private set; }

    public WithWatermarkSpec? WatermarkSpec { get; private set; }

    public void Filter(string path, FilterSpec f) =>
        _prefix.Add(new FilterOperator(QueryPlanner.Compile(path + ".condition", () => ExpressionCompiler.CompilePredicate(f.Condition, Schema))));

    public void Select(string path, SelectSpec s)
    {
        var columns = s.Columns.Select((c, j) => QueryPlanner.Compile($"{path}.columns[{j}]", () => ExpressionCompiler.CompileNamed(c, Schema))).ToList();
        _prefix.Add(new ProjectOperator(columns));
        Schema = new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList());
        Watermark = Watermark?.Follow(columns.Select(c => c.Expression.Syntax).ToList(), Schema);
    }

    public void WithWatermark(string path, WithWatermarkSpec w)
    {
        var index = Schema.IndexOf(w.Column);
        if (index < 0)
        {
            throw QueryPlanner.Invalid(path + ".column", $"unknown column '{w.Column}' for withWatermark; available columns: {Schema.Describe()}");
        }
        if (Schema[index].Type.Kind != DataTypeKind.Timestamp)
        {
            throw QueryPlanner.Invalid(path + ".column", $"withWatermark needs a timestamp column, but '{w.Column}' is {Schema[index].Type}; CAST it to timestamp in a select first");
        }
        Watermark = new WatermarkColumn(w, index, Schema[index].Name);
        WatermarkSpec = w;
        _prefix.Add(new WatermarkOperator(index));
    }

    /// <summary>Adds an operator compiled elsewhere (shared by every stream after a union).</summary>
    public void Add(IRowOperator op, StreamSchema output)
    {
        _prefix.Add(op);
        Schema = output;
    }

    /// <summary>A unioned stream's rows are read by position under the first stream's column names.</summary>
    public void RenameTo(StreamSchema schema) => Schema = schema;

    public StreamPlan Build() => new(Index, Source, SourceSchema, _prefix, WatermarkSpec);
}
