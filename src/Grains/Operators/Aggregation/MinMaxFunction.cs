using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>min</c> and <c>max</c> over any orderable type (all of Sluice's types; see <see cref="ValueOrdering"/>),
/// of the input's type. NULLs are skipped; a group with no non-null input gives NULL. Ties keep the value seen first.
/// </summary>
internal sealed class MinMaxFunction(DataType type, bool isMax) : IAggregateFunction
{
    public DataType ResultType { get; } = type;

    public bool IsMax { get; } = isMax;

    public int BufferSlots => 1;

    public void Initialize(object?[] buffer, int offset) => buffer[offset] = null;

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is null)
        {
            return;
        }
        var current = buffer[offset];
        if (current is null)
        {
            buffer[offset] = input;
            return;
        }
        var order = ValueOrdering.Compare(input, current);
        if (IsMax ? order > 0 : order < 0)
        {
            buffer[offset] = input;
        }
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset) =>
        Update(buffer, offset, other[otherOffset]);

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];
}
