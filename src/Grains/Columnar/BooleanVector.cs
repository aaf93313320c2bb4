using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>boolean values, one byte each (kernels branch on them; a bitmap would save memory, not time).</summary>
internal sealed class BooleanVector() : PrimitiveVector<bool>(DataType.Boolean)
{
    public override object? GetValue(int row) => IsNull(row) ? null : ValueAt(row);

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
}
