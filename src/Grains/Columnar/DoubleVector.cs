using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>double values.</summary>
internal sealed class DoubleVector() : ColumnVector(DataType.Double)
{
    private double[] _values = [];

    /// <summary>The values of rows [0, Count); a NULL's slot holds 0.</summary>
    public Span<double> Values => _values.AsSpan(0, Count);

    public void Append(double value)
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
        if (value is null)
        {
            AppendNull();
        }
        else
        {
            Append(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public override void Reserve(int rows)
    {
        if (Count + rows > _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + rows));
        }
    }

    protected override void AppendDefault() => Append(0);

    protected override int Capacity => _values.Length;
}
