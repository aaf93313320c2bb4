using Sluice.Connectors;
using Sluice.Expressions.Binding;
using Sluice.Operators.Join;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Walks one list of operators: the query's own, or a union's or join's input (<see cref="SubStreamSpec"/>). Its open
/// ends (<see cref="IPipelineEnd"/>) start as its source's stream; stateless operators extend every end; a stateful
/// operator, a stream-stream join or the sink closes them into what comes next. A union adds the other input's ends,
/// a join closes both inputs' ends into its stage, so stateful operators may come before and inside either.
/// </summary>
internal sealed class PipelineBuilder
{
    /// <summary>Operators inside input k (the main list's operator k's union or join) are numbered from (k + 1) * this.</summary>
    public const int NestedIndexBase = 1000;

    private readonly PlanGraph _graph;
    private readonly ConnectorRegistry _connectors;
    private readonly QuerySpec _spec;
    private readonly bool _nested;
    private readonly int _firstIndex;
    private List<IPipelineEnd> _ends;

    // The query's first stateful stage while it is fed by the source alone (no union or join before it), and how many
    // operators lead to it: a join input repeating those shares the stage (SharedPrefix).
    private (StageBuilder Stage, int Count)? _shareable;

    private PipelineBuilder(PlanGraph graph, ConnectorRegistry connectors, QuerySpec spec, IPipelineEnd start, bool nested, int firstIndex)
    {
        _graph = graph;
        _connectors = connectors;
        _spec = spec;
        _nested = nested;
        _firstIndex = firstIndex;
        _ends = [start];
        StreamIndex = start.StreamIndex;
    }

    /// <summary>The index of this pipeline's own source stream.</summary>
    public int StreamIndex { get; }

    public IReadOnlyList<IPipelineEnd> Ends => _ends;

    /// <summary>Plans the query's own operators; the caller connects <see cref="Ends"/> to the sink.</summary>
    public static PipelineBuilder Main(PlanGraph graph, ConnectorRegistry connectors, QuerySpec spec)
    {
        var source = Stream(graph, connectors, spec.Source, "$.source");
        graph.Streams.Add(source);
        var pipeline = new PipelineBuilder(graph, connectors, spec, source, nested: false, firstIndex: 0);
        pipeline.Walk(spec.Operators, "$.operators");
        return pipeline;
    }

    /// <summary>The first end's schema: a union's inputs line up with it, a join's left side is it.</summary>
    public IPipelineEnd First => _ends[0];

    /// <param name="from">The first operator to plan (a shared input's operators before it are its branch's stage).</param>
    private void Walk(IReadOnlyList<OperatorSpec> operators, string listPath, int from = 0)
    {
        for (var i = from; i < operators.Count; i++)
        {
            var path = $"{listPath}[{i}]";
            var index = _firstIndex + i;
            switch (operators[i])
            {
                case FilterSpec f:
                    _ends.ForEach(e => e.Filter(path, f));
                    break;
                case SelectSpec s:
                    _ends.ForEach(e =>
                    {
                        if (SelectWindows.NullTimeFilter(path, s, e.Schema) is { } nullTime)
                        {
                            e.Filter(path, nullTime);
                        }
                        e.Select(path, s);
                    });
                    break;
                case WithWatermarkSpec w:
                    WithWatermark(operators, i, path, w);
                    break;
                case UnionSpec u:
                    Union(path, u, index);
                    break;
                case JoinSpec j:
                    Join(path, j, index);
                    break;
                default:
                    var fromSource = _ends is [StreamBuilder] && operators.Take(i).All(o => o is FilterSpec or SelectSpec or WithWatermarkSpec);
                    Stateful(operators[i], path, index);
                    // A user's processor runs once per input in Spark: one with side effects or its own clock or randomness
                    // would see fewer calls if shared, so only the built-in stateful operators are shared.
                    var shareable = fromSource && !_nested && operators[i] is not GroupsWithStateSpec;
                    _shareable = shareable ? ((StageBuilder)First, i + 1) : _shareable;
                    break;
            }
        }
    }

    private void WithWatermark(IReadOnlyList<OperatorSpec> operators, int i, string path, WithWatermarkSpec w)
    {
        if (_ends.OfType<StageBuilder>().FirstOrDefault() is { } stage)
        {
            // Spark's PropagateWatermarkSimulator refuses a watermark node below which a watermark already flows.
            throw QueryPlanner.Invalid(path + ".op", stage.Watermarks.Count > 0 || operators.Take(i).Any(o => o is WithWatermarkSpec)
                ? "Redefining watermark is disallowed: declare withWatermark once, on the input stream, before the first stateful operator"
                : "withWatermark after a stateful operator is not supported; declare the watermark on the input stream");
        }
        _ends.ForEach(e => ((StreamBuilder)e).WithWatermark(path, w));
    }

    private void Union(string path, UnionSpec u, int index)
    {
        RefuseNested(path, u);
        var other = Input(u.Other, path + ".other", index);
        foreach (var end in other.Ends)
        {
            var types = UnionTypes(path, First.Schema, end.Schema);
            _ends.ForEach(e => CastTo(e, types, path));
            CastTo(end, types, path);
            end.RenameTo(First.Schema);
        }
        _ends.AddRange(other.Ends);
    }

    private void Join(string path, JoinSpec j, int index)
    {
        RefuseNested(path, j);
        // A source that is not replayable (a socket) may give each reader other rows: its inputs are never shared.
        var right = _shareable is var (shared, count) && _ends is [var only] && only == shared && _connectors.Source(_spec.Source.Kind).Replayable
            && SharedPrefix.Matches(_spec, j.Right, count)
            ? SharingInput(j.Right, path + ".right", index, shared, count)
            : Input(j.Right, path + ".right", index);
        if (right.First is StreamBuilder table && _connectors.Source(table.Source.Kind).IsStatic)
        {
            if (_ends.Any(e => e is StageBuilder))
            {
                throw QueryPlanner.Invalid(path + ".op",
                    "a stream-static join after a stateful operator is not supported in this build: put the join before the first stateful operator");
            }
            var join = QueryPlanner.Compile(path, () => StaticJoinOperator.Create(path, j, First.Schema, table));
            _ends.ForEach(e => ((StreamBuilder)e).Add(join, join.OutputSchema));
            return;
        }
        var left = First;
        var rightEnd = right.First;
        var streamJoin = QueryPlanner.Compile(path, () => StreamJoinOperator.Create(index, path, j, left, rightEnd));
        WatermarkColumn[] sides = [.. WatermarksOf(left), .. WatermarksOf(rightEnd).Select(w => w with { Index = w.Index + left.Schema.Count })];
        Close(new StageBuilder(streamJoin, left.Schema, sides, j, StreamIndex), right.Ends);
    }

    private void Stateful(OperatorSpec op, string path, int index)
    {
        var first = First;
        var input = first.Schema;
        StageBuilder stage;
        if (first is StageBuilder before)
        {
            var watermark = StageBuilder.Choose(op, path, input, before.Watermarks);
            var compiled = QueryPlanner.Compile(path, () => StatefulPlanner.Plan(_spec, op, index, path, input, watermark));
            stage = new StageBuilder(compiled, input, watermark is null ? [] : before.Watermarks, op, StreamIndex);
        }
        else
        {
            var watermark = first.Watermark;
            var compiled = QueryPlanner.Compile(path, () => StatefulPlanner.Plan(_spec, op, index, path, input, watermark));
            stage = new StageBuilder(compiled, input, watermark is { } wm ? [wm] : [], op, StreamIndex);
        }
        Close(stage, []);
    }

    /// <summary>Every open end (and <paramref name="others"/>, a join's right input) now feeds <paramref name="stage"/>, the one open end.</summary>
    private void Close(StageBuilder stage, IReadOnlyList<IPipelineEnd> others)
    {
        foreach (var end in _ends.Concat(others))
        {
            _graph.Connect(end, stage);
        }
        _ends = [stage];
    }

    /// <summary>A union's or join's other input: its own source and operators; each of its stateful operators gets its own index.</summary>
    private PipelineBuilder Input(SubStreamSpec sub, string path, int index)
    {
        var stream = Stream(_graph, _connectors, sub.Source, path + ".source");
        var input = new PipelineBuilder(_graph, _connectors, _spec, stream, nested: true, firstIndex: checked((index + 1) * NestedIndexBase));
        input.Walk(sub.Operators, path + ".operators");
        if (!_connectors.Source(stream.Source.Kind).IsStatic)
        {
            _graph.Streams.Add(stream);
        }
        else if (input.Ends.Any(e => e is StageBuilder))
        {
            throw QueryPlanner.Invalid(path + ".operators", "a static table cannot have stateful operators; only select, filter and withWatermark");
        }
        return input;
    }

    /// <summary>
    /// A join input that repeats this pipeline's source and operators up to <paramref name="shared"/>'s: its source
    /// stays a stream of the plan (offsets, progress) whose reads are <paramref name="shared"/>'s stream's
    /// (<see cref="StreamBuilder.ShareReadsOf"/>), and its operators after the prefix start from a branch of that stage.
    /// </summary>
    private PipelineBuilder SharingInput(SubStreamSpec sub, string path, int index, StageBuilder shared, int count)
    {
        var stream = Stream(_graph, _connectors, sub.Source, path + ".source");
        stream.ShareReadsOf((StreamBuilder)_graph.Streams[StreamIndex]);
        _graph.Streams.Add(stream);
        var input = new PipelineBuilder(_graph, _connectors, _spec, shared.Branch(stream.Index), nested: true, firstIndex: checked((index + 1) * NestedIndexBase));
        input.Walk(sub.Operators, path + ".operators", from: count);
        return input;
    }

    private void RefuseNested(string path, OperatorSpec op)
    {
        if (_nested)
        {
            throw QueryPlanner.Invalid(path + ".op",
                $"'{op.Op}' is not supported inside a union or join input; put it in the query's own operators (an input may have select, filter, withWatermark and stateful operators)");
        }
    }

    private static IReadOnlyList<WatermarkColumn> WatermarksOf(IPipelineEnd end) =>
        end is StageBuilder stage ? stage.Watermarks : end.Watermark is { } w ? [w] : [];

    /// <summary>
    /// Spark's union: by position, the same number of columns; names come from the first stream. Each column's type is
    /// the two types' wider common type (Spark's <c>WidenSetOperationTypes</c>: int &lt; bigint &lt; double, and a string
    /// with another simple type is a string), else the union is refused.
    /// </summary>
    private static IReadOnlyList<Data.DataType> UnionTypes(string path, Data.StreamSchema first, Data.StreamSchema other)
    {
        var types = first.Count == other.Count
            ? Enumerable.Range(0, first.Count).Select(i => first[i].Type.Equals(other[i].Type) ? first[i].Type : TypeCoercion.CommonType(first[i].Type, other[i].Type)).ToList()
            : null;
        if (types is null || types.Any(t => t is null))
        {
            throw QueryPlanner.Invalid(path + ".other",
                $"Union can only be performed on streams with the same number of columns of compatible types, by position: the first has [{first.Describe()}], the other [{other.Describe()}]; add a select to the other stream to line them up");
        }
        return types!;
    }

    /// <summary>Casts the columns of <paramref name="end"/> whose type is narrower than the union's (a select of CASTs).</summary>
    private static void CastTo(IPipelineEnd end, IReadOnlyList<Data.DataType> types, string path)
    {
        var schema = end.Schema;
        if (Enumerable.Range(0, types.Count).All(i => schema[i].Type.Equals(types[i])))
        {
            return;
        }
        var columns = Enumerable.Range(0, types.Count)
            .Select(i => schema[i].Type.Equals(types[i]) ? Quoted(schema[i].Name) : $"CAST({Quoted(schema[i].Name)} AS {types[i]}) AS {Quoted(schema[i].Name)}")
            .ToList();
        end.Select(path, new SelectSpec(columns));

        static string Quoted(string name) => $"`{name.Replace("`", "``", StringComparison.Ordinal)}`";
    }

    /// <summary>A stream of the source's kind, its spec part checked by its connector, numbered after the streams so far.</summary>
    private static StreamBuilder Stream(PlanGraph graph, ConnectorRegistry connectors, SourceSpec source, string path) => QueryPlanner.Checked(() =>
    {
        var connector = connectors.Source(source.Kind, path);
        connector.Validate(source, path);
        return new StreamBuilder(graph.Streams.Count, source, connector.Schema(source));
    });
}
