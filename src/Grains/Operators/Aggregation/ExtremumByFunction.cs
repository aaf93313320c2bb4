using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>max_by(x, y)</c> and <c>min_by(x, y)</c> (MaxMinBy): the value of <c>x</c> on the row with the largest
/// (smallest) <c>y</c>, of <c>x</c>'s type. Rows whose <c>y</c> is NULL are skipped; <c>x</c> may be NULL and is then the
/// result. As in Spark, a later row whose <c>y</c> ties the extremum replaces the value. A group without a non-null
/// <c>y</c> gives NULL. Two slots: the value and the extremum of <c>y</c>. The input is a <see cref="ValuePair"/>.
/// </summary>
internal sealed class ExtremumByFunction(DataType type, bool isMax) : IAggregateFunction
{
    public DataType ResultType { get; } = type;

    public bool IsMax { get; } = isMax;

    public int BufferSlots => 2;

    public void Initialize(object?[] buffer, int offset)
    {
        buffer[offset] = null;
        buffer[offset + 1] = null;
    }

    public void Update(object?[] buffer, int offset, object? input)
    {
        var pair = (ValuePair)input!;
        Take(buffer, offset, pair.Value, pair.Ordering);
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset) =>
        Take(buffer, offset, other[otherOffset], other[otherOffset + 1]);

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];

    private void Take(object?[] buffer, int offset, object? value, object? ordering)
    {
        if (ordering is null)
        {
            return;
        }
        if (buffer[offset + 1] is { } extremum)
        {
            var order = ValueOrdering.Compare(extremum, ordering);
            if (IsMax ? order > 0 : order < 0)
            {
                return;
            }
        }
        buffer[offset] = value;
        buffer[offset + 1] = ordering;
    }
}
