using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>A literal, or a subexpression the binder folded to a constant: the value repeated over the selected rows.</summary>
internal sealed class ConstantKernel(DataType type, object? value) : Kernel(type)
{
    /// <summary>The value as the row path holds it; null is SQL NULL.</summary>
    public object? Value { get; } = value;

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var rows = new Rows(batch);
        switch (Output<ColumnVector>(batch))
        {
            case Int64Vector longs:
                Fill(rows, longs, longs.Values, Value switch { int i => i, long l => l, DateTime t => t.Ticks, _ => 0L });
                return longs;
            case DoubleVector doubles:
                Fill(rows, doubles, doubles.Values, Value is double d ? d : 0);
                return doubles;
            case BooleanVector booleans:
                Fill(rows, booleans, booleans.Values, Value is true);
                return booleans;
            case StringVector strings:
                Fill(rows, strings, strings.Codes, Value is string s ? strings.Dictionary.GetOrAdd(s) : -1);
                return strings;
            case ObjectVector objects:
                Fill(rows, objects, objects.Values, Value);
                return objects;
            default:
                throw new InvalidOperationException($"no vector for constants of type {Type}");
        }
    }

    private void Fill<T>(Rows rows, ColumnVector vector, Span<T> values, T value)
    {
        var isNull = Value is null;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            values[r] = value;
            if (isNull)
            {
                vector.SetNull(r);
            }
        }
    }
}
