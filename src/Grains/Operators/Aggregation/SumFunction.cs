using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>sum</c>: int and bigint inputs add up as a bigint that wraps on overflow (ANSI mode off), double
/// inputs as a double. NULL inputs are skipped; a group with no non-null input sums to NULL, not 0.
/// The single slot is NULL until the first non-null input.
/// </summary>
internal sealed class SumFunction : IAggregateFunction
{
    public static readonly SumFunction Long = new(DataType.Long);
    public static readonly SumFunction Double = new(DataType.Double);

    private readonly bool _isDouble;

    private SumFunction(DataType resultType)
    {
        ResultType = resultType;
        _isDouble = resultType.Kind == DataTypeKind.Double;
    }

    public DataType ResultType { get; }

    public int BufferSlots => 1;

    public void Initialize(object?[] buffer, int offset) => buffer[offset] = null;

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is not null)
        {
            Add(buffer, offset, input);
        }
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset) =>
        Update(buffer, offset, other[otherOffset]);

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];

    private void Add(object?[] buffer, int offset, object value)
    {
        var current = buffer[offset];
        if (_isDouble)
        {
            buffer[offset] = (current is null ? 0.0 : (double)current) + (double)value;
        }
        else
        {
            var addend = value is int i ? i : (long)value;
            buffer[offset] = current is null ? addend : unchecked((long)current + addend);
        }
    }
}
