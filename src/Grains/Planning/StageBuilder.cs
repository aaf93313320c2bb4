using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators;
using Sluice.Operators.Join;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Builds one stateful stage while the planner walks the operators after it: the stateless suffix, and which columns
/// of the stage's output carry the event-time watermark (Spark's watermark metadata on attributes), so the next
/// stateful operator knows what it may evict and drop by.
/// </summary>
internal sealed class StageBuilder : IPipelineEnd
{
    private readonly List<IRowOperator> _suffix = [];

    /// <param name="streamIndex">The stream of the pipeline this stage belongs to (see <see cref="IPipelineEnd.StreamIndex"/>).</param>
    public StageBuilder(IStatefulOperator op, StreamSchema input, IReadOnlyList<WatermarkColumn> inputWatermarks, OperatorSpec spec, int streamIndex)
    {
        Operator = op;
        StreamIndex = streamIndex;
        InputSchema = input;
        Schema = op.OutputSchema;
        Watermarks = OutputWatermarks(op, spec, input, inputWatermarks);
        Flow = op switch
        {
            StreamJoinOperator join => WatermarkFlow.Join(join),
            GroupsWithStateOperator => WatermarkFlow.None,
            _ => WatermarkFlow.PassThrough,
        };
        Root = this;
        _operatorWatermarks = Watermarks;
    }

    private StageBuilder(StageBuilder root, int streamIndex)
    {
        Root = root;
        Operator = root.Operator;
        StreamIndex = streamIndex;
        InputSchema = root.InputSchema;
        Schema = root.Operator.OutputSchema;
        Watermarks = root._operatorWatermarks;
        _operatorWatermarks = Watermarks;
        Flow = root.Flow;
    }

    // The watermark columns of the operator's own output, before any suffix: where a branch starts.
    private readonly IReadOnlyList<WatermarkColumn> _operatorWatermarks;

    /// <summary>The builder whose operator this is: itself, or the stage a <see cref="Branch"/> was taken from.</summary>
    public StageBuilder Root { get; }

    /// <summary>
    /// Another output of this stage's operator, with its own suffix, for an input that shares the stage (its rows
    /// reach their next stage as stream <paramref name="streamIndex"/>'s, as the input's own stage's would).
    /// </summary>
    public StageBuilder Branch(int streamIndex) => new(Root, streamIndex);

    public IStatefulOperator Operator { get; }

    public int StreamIndex { get; }

    public StreamSchema InputSchema { get; }

    public StreamSchema Schema { get; private set; }

    public WatermarkFlow Flow { get; }

    /// <summary>The columns of <see cref="Schema"/> that carry the watermark (none after a groups-with-state operator).</summary>
    public IReadOnlyList<WatermarkColumn> Watermarks { get; private set; }

    /// <summary>The watermark column that is a timestamp (a window key's column is a struct: see <see cref="WatermarkWindows"/>).</summary>
    public WatermarkColumn? Watermark => Watermarks.FirstOrDefault(w => Schema[w.Index].Type.Kind == DataTypeKind.Timestamp);

    public IReadOnlyList<int> WatermarkWindows => [.. Watermarks.Where(w => Schema[w.Index].Type.Kind == DataTypeKind.Struct).Select(w => w.Index)];

    public void Filter(string path, FilterSpec f) =>
        _suffix.Add(new FilterOperator(QueryPlanner.Compile(path + ".condition", () => ExpressionCompiler.CompilePredicate(f.Condition, Schema))));

    public void PushFilter(Expr predicate, string text) => _suffix.Add(new FilterOperator(ExpressionCompiler.Compile(predicate, Schema, text)));

    public void RenameTo(StreamSchema schema)
    {
        Schema = schema;
        Watermarks = [.. Watermarks.Select(w => w with { Name = schema[w.Index].Name })];
    }

    public void Select(string path, SelectSpec s)
    {
        var columns = s.Columns.Select((c, j) => QueryPlanner.Compile($"{path}.columns[{j}]", () => ExpressionCompiler.CompileNamed(c, Schema))).ToList();
        _suffix.Add(new ProjectOperator(columns));
        var output = new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList());
        var selected = columns.Select(c => c.Expression.Syntax).ToList();
        var followed = Watermarks.Select(w => w.Follow(selected, output)).OfType<WatermarkColumn>().ToList();
        // window_time(w) of a window carrying the watermark carries it too (Spark keeps the metadata on window_time's output).
        for (var i = 0; i < selected.Count; i++)
        {
            var expr = selected[i] is AliasExpr a ? a.Inner : selected[i];
            if (expr is FunctionCall { Name: "window_time", Arguments: [ColumnRef c] } && Watermarks.FirstOrDefault(w => Same(w.Name, c.Name)) is { } source)
            {
                followed.Add(source with { Index = i, Name = output[i].Name });
            }
        }
        Schema = output;
        Watermarks = followed;
    }

    /// <param name="next">The position of the stage this output's rows go to (-1: the sink).</param>
    public StageOutput Output(int next) => new(next, StreamIndex, _suffix, Schema);

    /// <summary>
    /// The watermark column for the next stateful operator: the one it groups, deduplicates or windows by when there
    /// is one (as Spark finds the watermark attribute among its keys), else the first. As Spark 3.5
    /// (<c>WatermarkSupport.findEventTimeColumn</c>), a deduplication whose input columns, or an aggregation whose keys,
    /// carry the watermarks of two streams (both time columns of a stream-stream join) is refused.
    /// </summary>
    public static WatermarkColumn? Choose(OperatorSpec op, string path, StreamSchema input, IReadOnlyList<WatermarkColumn> candidates)
    {
        if (candidates.Count <= 1)
        {
            return candidates.FirstOrDefault();
        }
        var names = op switch
        {
            GroupBySpec g => g.Keys.SelectMany(k => KeyColumns(k, input)).ToList(),
            DropDuplicatesSpec { Columns: { } columns } => columns.ToList(),
            _ => [],
        };
        List<WatermarkColumn> checkedColumns = op switch
        {
            GroupBySpec => [.. candidates.Where(c => names.Any(n => Same(n, c.Name)))],
            DropDuplicatesSpec => [.. candidates],
            _ => [],
        };
        if (checkedColumns.Select(c => c.Spec).Distinct(ReferenceEqualityComparer.Instance).Count() > 1)
        {
            throw QueryPlanner.Invalid(path + ".op",
                "More than one event time columns are available. Please ensure there is at most one event time column per stream. " +
                $"event time columns: ({string.Join(", ", checkedColumns.Select(c => c.Name))}); select only one of them before the {op.Op}");
        }
        return candidates.FirstOrDefault(c => names.Any(n => Same(n, c.Name))) ?? candidates[0];
    }

    private static IEnumerable<string> KeyColumns(string key, StreamSchema input)
    {
        GroupKey compiled;
        try
        {
            compiled = GroupKey.Compile(key, input);
        }
        catch (ExpressionException)
        {
            // The operator's own compilation reports it, with its path.
            yield break;
        }
        if (compiled.TimeIndex >= 0)
        {
            yield return input[compiled.TimeIndex].Name;
        }
        else if (compiled.Scalar?.Syntax is ColumnRef c)
        {
            yield return c.Name;
        }
    }

    private static List<WatermarkColumn> OutputWatermarks(IStatefulOperator op, OperatorSpec spec, StreamSchema input, IReadOnlyList<WatermarkColumn> inputs)
    {
        switch (op)
        {
            case AggregationOperator or SessionWindowOperator when spec is GroupBySpec g:
                var output = new List<WatermarkColumn>();
                for (var i = 0; i < g.Keys.Count; i++)
                {
                    var key = GroupKey.Compile(g.Keys[i], input);
                    var column = key.TimeIndex >= 0 ? input[key.TimeIndex].Name : key.Scalar?.Syntax is ColumnRef c ? c.Name : null;
                    if (column is not null && inputs.FirstOrDefault(w => Same(w.Name, column)) is { } source)
                    {
                        output.Add(source with { Index = i, Name = key.Name });
                    }
                }
                return output;
            case StreamJoinOperator join:
                // Left columns keep their places; right ones follow the left (a left-semi join outputs the left only).
                return [.. inputs.Where(w => w.Index < join.OutputSchema.Count && Same(join.OutputSchema[w.Index].Name, w.Name))];
            case GroupsWithStateOperator:
                return [];
            default:
                return [.. inputs];
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
