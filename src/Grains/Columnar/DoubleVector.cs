using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>double values.</summary>
internal sealed class DoubleVector() : PrimitiveVector<double>(DataType.Double)
{
    public override object? GetValue(int row) => IsNull(row) ? null : ValueAt(row);

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
}
