using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>The vectors whose values are one unmanaged array (longs, doubles, booleans): the array and its growth.</summary>
internal abstract class PrimitiveVector<T>(DataType type) : ColumnVector(type)
    where T : unmanaged
{
    private T[] _values = [];

    /// <summary>The values of rows [0, Count); a NULL's slot holds the type's default.</summary>
    public Span<T> Values => _values.AsSpan(0, Count);

    public void Append(T value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + 1));
        }
        _values[Count++] = value;
    }

    public override void Reserve(int rows)
    {
        if (Count + rows > _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + rows));
        }
    }

    protected override void AppendDefault() => Append(default);

    protected override int Capacity => _values.Length;

    /// <summary>The value of a row known to be valid.</summary>
    protected T ValueAt(int row) => _values[row];
}
