using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>last(col)</c> with its default <c>ignoreNulls = false</c>: the last value seen, even when it is NULL.
/// Two slots: the value and a "set" flag, so merging an empty partial keeps the value.
/// </summary>
internal sealed class LastFunction(DataType type) : IAggregateFunction
{
    public DataType ResultType { get; } = type;

    public int BufferSlots => 2;

    public void Initialize(object?[] buffer, int offset)
    {
        buffer[offset] = null;
        buffer[offset + 1] = Boxes.False;
    }

    public void Update(object?[] buffer, int offset, object? input)
    {
        buffer[offset] = input;
        buffer[offset + 1] = Boxes.True;
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset)
    {
        if ((bool)other[otherOffset + 1]!)
        {
            buffer[offset] = other[otherOffset];
            buffer[offset + 1] = Boxes.True;
        }
    }

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];
}
