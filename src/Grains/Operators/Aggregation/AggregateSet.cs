using System.Diagnostics;
using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// A groupBy's aggregates over one buffer per group: aggregate i owns <see cref="IAggregateFunction.BufferSlots"/>
/// slots from its offset, so a group's whole state is one <c>object?[]</c> that <see cref="State.Encoding.RowCodec"/>
/// stores as is. Immutable after construction and safe to share between threads; buffers are not.
/// </summary>
internal sealed class AggregateSet
{
    private readonly IAggregateFunction[] _functions;
    private readonly CompiledExpression?[] _arguments;
    private readonly CompiledExpression?[] _orderings;
    private readonly int[] _offsets;

    public AggregateSet(IReadOnlyList<BoundAggregate> aggregates)
    {
        Aggregates = aggregates;
        _functions = new IAggregateFunction[aggregates.Count];
        _arguments = new CompiledExpression?[aggregates.Count];
        _orderings = new CompiledExpression?[aggregates.Count];
        _offsets = new int[aggregates.Count];
        var columns = new Column[aggregates.Count];
        var size = 0;
        for (var i = 0; i < aggregates.Count; i++)
        {
            _functions[i] = aggregates[i].Function;
            _arguments[i] = aggregates[i].Argument;
            _orderings[i] = aggregates[i].Ordering;
            _offsets[i] = size;
            size += aggregates[i].Function.BufferSlots;
            columns[i] = aggregates[i].OutputColumn;
        }
        BufferSize = size;
        OutputColumns = columns;
    }

    /// <summary>Binds each of a groupBy's <c>aggs</c> with <see cref="AggregateBinder"/>.</summary>
    public static AggregateSet Bind(IEnumerable<string> aggs, StreamSchema input) =>
        new(aggs.Select(agg => AggregateBinder.Bind(agg, input)).ToArray());

    public IReadOnlyList<BoundAggregate> Aggregates { get; }

    /// <summary>The result columns, in order: each aggregate's name and result type.</summary>
    public IReadOnlyList<Column> OutputColumns { get; }

    public int BufferSize { get; }

    /// <summary>The first buffer slot of aggregate <paramref name="index"/>.</summary>
    public int OffsetOf(int index) => _offsets[index];

    /// <summary>A buffer for a new group, every aggregate initialized.</summary>
    public object?[] NewBuffer()
    {
        var buffer = new object?[BufferSize];
        for (var i = 0; i < _functions.Length; i++)
        {
            _functions[i].Initialize(buffer, _offsets[i]);
        }
        return buffer;
    }

    /// <summary>Folds one input row into a group's buffer, evaluating each aggregate's argument on it.</summary>
    public void Update(object?[] buffer, object?[] inputRow)
    {
        Debug.Assert(buffer.Length == BufferSize, "a buffer of another aggregate set");
        for (var i = 0; i < _functions.Length; i++)
        {
            var argument = _arguments[i];
            var input = argument is null ? BoundAggregate.RowMarker
                : _orderings[i] is { } ordering ? new ValuePair(argument.Evaluate(inputRow), ordering.Evaluate(inputRow))
                : argument.Evaluate(inputRow);
            _functions[i].Update(buffer, _offsets[i], input);
        }
    }

    /// <summary>Folds the partial buffer <paramref name="from"/> (e.g. an agent's pre-aggregate) into <paramref name="into"/>.</summary>
    public void Merge(object?[] into, object?[] from)
    {
        CheckSize(into, nameof(into));
        CheckSize(from, nameof(from));
        for (var i = 0; i < _functions.Length; i++)
        {
            _functions[i].Merge(into, _offsets[i], from, _offsets[i]);
        }
    }

    /// <summary>The aggregates' results, in order.</summary>
    public object?[] Evaluate(object?[] buffer)
    {
        var results = new object?[_functions.Length];
        EvaluateInto(buffer, results, 0);
        return results;
    }

    /// <summary>Writes the results into <paramref name="row"/> from <paramref name="start"/>, after the group's key columns.</summary>
    public void EvaluateInto(object?[] buffer, object?[] row, int start)
    {
        CheckSize(buffer, nameof(buffer));
        for (var i = 0; i < _functions.Length; i++)
        {
            row[start + i] = _functions[i].Evaluate(buffer, _offsets[i]);
        }
    }

    private void CheckSize(object?[] buffer, string name)
    {
        if (buffer.Length != BufferSize)
        {
            throw new ArgumentException(
                $"an aggregation buffer has {buffer.Length} slots but [{string.Join(", ", Aggregates.Select(a => a.Name))}] use {BufferSize}; " +
                "was the state written by a different query?", name);
        }
    }
}
