using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>first(col[, ignoreNulls])</c>: the first value seen, even when it is NULL; with <c>ignoreNulls</c> true,
/// the first non-null value (NULL for a group of NULLs only). Two slots: the value and a "set" flag, so a NULL first
/// value is told apart from no value. "First" follows the order rows reach the buffer (batch order, then merge order),
/// which is as non-deterministic as in Spark.
/// </summary>
internal sealed class FirstFunction(DataType type, bool ignoreNulls = false) : IAggregateFunction
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
        if (!(bool)buffer[offset + 1]! && (input is not null || !IgnoreNulls))
        {
            buffer[offset] = input;
            buffer[offset + 1] = Boxes.True;
        }
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset)
    {
        if (!(bool)buffer[offset + 1]! && (bool)other[otherOffset + 1]!)
        {
            buffer[offset] = other[otherOffset];
            buffer[offset + 1] = Boxes.True;
        }
    }

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];
}
