using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>Values of the types without a typed vector yet (binary, struct, array), held as the row path holds them.</summary>
internal sealed class ObjectVector(DataType type) : ColumnVector(type)
{
    private object?[] _values = [];

    public Span<object?> Values => _values.AsSpan(0, Count);

    public override object? GetValue(int row) => _values[row];

    public override void AppendValue(object? value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + 1));
        }
        _values[Count++] = value;
        if (value is null)
        {
            MarkNull(Count - 1);
        }
    }

    public override void Reset()
    {
        Array.Clear(_values, 0, Count);
        base.Reset();
    }

    public override void Reserve(int rows)
    {
        if (Count + rows > _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + rows));
        }
    }

    protected override void AppendDefault() => AppendValue(null);

    protected override int Capacity => _values.Length;
}
