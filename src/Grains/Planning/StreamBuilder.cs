using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>Builds one stream's stateless operators while the planner walks a (sub-)pipeline.</summary>
internal sealed class StreamBuilder(int index, SourceSpec source, StreamSchema sourceSchema) : IPipelineEnd
{
    private readonly List<IRowOperator> _prefix = [];

    // Where withWatermark observes rows, the schema there and the selects after it: a join pushes one-side predicates there.
    private int _watermarkAt = -1;
    private StreamSchema? _watermarkSchema;
    private readonly List<(StreamSchema Output, IReadOnlyList<Expr> Selected)> _selectsAfterWatermark = [];

    public int Index { get; } = index;

    int IPipelineEnd.StreamIndex => Index;

    public SourceSpec Source { get; } = source;

    public StreamSchema SourceSchema { get; } = sourceSchema;

    public StreamSchema Schema { get; private set; } = sourceSchema;

    public WatermarkColumn? Watermark { get; private set; }

    public WithWatermarkSpec? WatermarkSpec { get; private set; }

    /// <summary>Columns holding a window of the watermarked column (<see cref="WatermarkedWindows"/>).</summary>
    public IReadOnlyList<int> WatermarkWindows { get; private set; } = [];

    public void Filter(string path, FilterSpec f) =>
        _prefix.Add(new FilterOperator(QueryPlanner.Compile(path + ".condition", () => ExpressionCompiler.CompilePredicate(f.Condition, Schema)), Schema));

    public void Select(string path, SelectSpec s)
    {
        var columns = s.Columns.Select((c, j) => QueryPlanner.Compile($"{path}.columns[{j}]", () => ExpressionCompiler.CompileNamed(c, Schema))).ToList();
        _prefix.Add(new ProjectOperator(columns, Schema));
        var before = Schema;
        var selected = columns.Select(c => c.Expression.Syntax).ToList();
        Schema = new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList());
        WatermarkWindows = WatermarkedWindows.Follow(Watermark, WatermarkWindows, before, selected);
        if (_watermarkAt >= 0)
        {
            _selectsAfterWatermark.Add((Schema, selected));
        }
        Watermark = Watermark?.Follow(selected, Schema);
    }

    public void WithWatermark(string path, WithWatermarkSpec w)
    {
        if (WatermarkSpec is { } first)
        {
            // Spark 3.5 refuses a second EventTimeWatermark below the first (WatermarkPropagator), whatever its column:
            // the first one's watermark still holds back the global watermark, so the second could never advance it.
            throw QueryPlanner.Invalid(path,
                $"Redefining watermark is disallowed. This stream already has withWatermark('{first.Column}', '{Durations.Format(first.Delay)}'); " +
                "declare one watermark per input stream (each side of a union or join may have its own)");
        }
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
        WatermarkWindows = [];
        WatermarkSpec = w;
        _watermarkAt = _prefix.Count;
        _watermarkSchema = Schema;
        _selectsAfterWatermark.Clear();
        _prefix.Add(new WatermarkOperator(index));
    }

    /// <summary>
    /// Filters this stream's rows by a predicate over its current columns before its watermark observes them, unless
    /// the predicate reads the event-time column (<see cref="PushedFilter"/>).
    /// </summary>
    public void PushFilter(Expr predicate, string text)
    {
        var below = _watermarkAt >= 0 ? PushedFilter.Through(predicate, _selectsAfterWatermark) : null;
        if (below is not null && !PushedFilter.Reads(below, WatermarkSpec!.Column) && TryCompile(below, _watermarkSchema!, text) is { } early)
        {
            _prefix.Insert(_watermarkAt++, new FilterOperator(early, _watermarkSchema));
            return;
        }
        _prefix.Add(new FilterOperator(ExpressionCompiler.Compile(predicate, Schema, text), Schema));
    }

    /// <summary>A rewritten predicate that does not compile where the watermark is (a function only a later select allows) stays after it.</summary>
    private static CompiledExpression? TryCompile(Expr predicate, StreamSchema schema, string text)
    {
        try
        {
            return ExpressionCompiler.Compile(predicate, schema, text);
        }
        catch (ExpressionException)
        {
            return null;
        }
    }

    /// <summary>Adds an operator compiled elsewhere (shared by every stream after a union).</summary>
    public void Add(IRowOperator op, StreamSchema output)
    {
        _prefix.Add(op);
        Schema = output;
    }

    /// <summary>A unioned stream's rows are read by position under the first stream's column names.</summary>
    public void RenameTo(StreamSchema schema) => Schema = schema;

    /// <summary>The stream whose reads this one shares (<see cref="StreamPlan.SharedWith"/>); null: it reads its own.</summary>
    public int? SharedWith { get; private set; }

    /// <summary>
    /// Makes this stream a shadow of <paramref name="primary"/>, which reads the same source the same way: no agents
    /// run for it, and its offsets, event times and watermark are the primary's.
    /// </summary>
    public void ShareReadsOf(StreamBuilder primary)
    {
        SharedWith = primary.Index;
        WatermarkSpec = primary.WatermarkSpec;
    }

    /// <param name="route">The first stateful operator's columnar route, if it has one (see <see cref="SourceColumns"/>).</param>
    /// <param name="routeInput">That operator's input schema.</param>
    public StreamPlan Build(IColumnarRoute? route = null, StreamSchema? routeInput = null) => new(Index, Source, SourceSchema, _prefix, WatermarkSpec)
    {
        SharedWith = SharedWith,
        ColumnsRead = SourceColumns.Read(_prefix, SourceSchema, Schema, route, routeInput),
    };
}
