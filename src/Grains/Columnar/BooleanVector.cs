using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>boolean values, one byte each (kernels branch on them; a bitmap would save memory, not time).</summary>
internal sealed class BooleanVector() : ColumnVector(DataType.Boolean)
{
    private bool[] _values = [];

    /// <summary>The values of rows [0, Count); a NULL's slot holds false.</summary>
    public Span<bool> Values => _values.AsSpan(0, Count);

    public void Append(bool value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + 1));
        }
        _values[Count++] = value;
    }

    public override object? GetValue(int row) => IsNull(row) ? null : _values[row];

    public override void AppendValue(object? value)
    {
        if (value is bool b)
        {
            Append(b);
        }
        else
        {
            AppendNull();
        }
    }

    public override void Reserve(int rows)
    {
        if (Count + rows > _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + rows));
        }
    }

    protected override void AppendDefault() => Append(false);

    protected override int Capacity => _values.Length;
}
