using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>count</c>: the number of non-null inputs as a bigint, 0 (never null) for an empty group.
/// <c>count(*)</c> and <c>count(1)</c> count rows because their input is never null.
/// </summary>
internal sealed class CountFunction : IAggregateFunction
{
    public static readonly CountFunction Instance = new();

    private CountFunction()
    {
    }

    public DataType ResultType => DataType.Long;

    public int BufferSlots => 1;

    public void Initialize(object?[] buffer, int offset) => buffer[offset] = Boxes.ZeroLong;

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is not null)
        {
            buffer[offset] = Boxes.Long((long)buffer[offset]! + 1);
        }
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset) =>
        buffer[offset] = Boxes.Long((long)buffer[offset]! + (long)other[otherOffset]!);

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];
}
