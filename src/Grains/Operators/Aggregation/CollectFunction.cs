using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>collect_list(x)</c> and <c>collect_set(x)</c>: an <c>array&lt;x's type&gt;</c> of the non-null inputs
/// (the set without duplicates, equal as <see cref="ValueOrdering"/> compares them); an empty array, never NULL, for a
/// group without non-null input. The order follows arrival (batch order, then merge order), which Spark does not
/// define either. The single slot is the array itself, replaced (never changed in place) on every update, so an
/// evaluated result can be shared; a group's whole list is kept in its state row, as Spark keeps it in the buffer.
/// </summary>
internal sealed class CollectFunction(DataType elementType, bool distinct) : IAggregateFunction
{
    public DataType ResultType { get; } = DataType.Array(elementType);

    public bool Distinct { get; } = distinct;

    public int BufferSlots => 1;

    public void Initialize(object?[] buffer, int offset) => buffer[offset] = Array.Empty<object?>();

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is null)
        {
            return;
        }
        var items = (object?[])buffer[offset]!;
        if (Distinct && Contains(items, input))
        {
            return;
        }
        object?[] grown = [.. items, input];
        buffer[offset] = grown;
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset)
    {
        var incoming = (object?[])other[otherOffset]!;
        if (incoming.Length == 0)
        {
            return;
        }
        var items = (object?[])buffer[offset]!;
        object?[] merged = Distinct ? [.. items, .. incoming.Where(v => !Contains(items, v!))] : [.. items, .. incoming];
        buffer[offset] = merged;
    }

    public object? Evaluate(object?[] buffer, int offset) => buffer[offset];

    private static bool Contains(object?[] items, object value)
    {
        foreach (var item in items)
        {
            if (item is not null && ValueOrdering.Compare(item, value) == 0)
            {
                return true;
            }
        }
        return false;
    }
}
