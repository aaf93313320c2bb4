using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>avg</c> (and <c>mean</c>): a double, whatever the numeric input type, or NULL when the group has no
/// non-null input. Two slots as in Spark's buffer: the sum as a double and the count as a bigint.
/// </summary>
internal sealed class AverageFunction : IAggregateFunction
{
    public static readonly AverageFunction Instance = new();

    private AverageFunction()
    {
    }

    public DataType ResultType => DataType.Double;

    public int BufferSlots => 2;

    public void Initialize(object?[] buffer, int offset)
    {
        buffer[offset] = Boxes.ZeroDouble;
        buffer[offset + 1] = Boxes.ZeroLong;
    }

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is null)
        {
            return;
        }
        var value = input switch
        {
            int i => i,
            long l => l,
            _ => (double)input,
        };
        buffer[offset] = (double)buffer[offset]! + value;
        buffer[offset + 1] = (long)buffer[offset + 1]! + 1;
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset)
    {
        buffer[offset] = (double)buffer[offset]! + (double)other[otherOffset]!;
        buffer[offset + 1] = (long)buffer[offset + 1]! + (long)other[otherOffset + 1]!;
    }

    public object? Evaluate(object?[] buffer, int offset)
    {
        var count = (long)buffer[offset + 1]!;
        return count == 0 ? null : (double)buffer[offset]! / count;
    }
}
