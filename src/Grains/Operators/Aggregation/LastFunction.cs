using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>last(col[, ignoreNulls])</c>: the last value seen, even when it is NULL; with <c>ignoreNulls</c> true,
/// the last non-null value. Two slots: the value and a "set" flag, so merging an empty partial keeps the value.
/// </summary>
internal sealed class LastFunction(DataType type, bool ignoreNulls = false) : IAggregateFunction
{
    public DataType ResultType { get; } = type;

    public bool IgnoreNulls { get; } = ignoreNulls;

    public int BufferSlots => 2;

    public void Initialize(object?[] buffer, int offset)
    {
        buffer[offset] = null;
        buffer[offset + 1] = Boxes.False;
    }

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is null && IgnoreNulls)
        {
            return;
        }
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
