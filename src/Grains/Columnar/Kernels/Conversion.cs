namespace Sluice.Columnar.Kernels;

/// <summary>A per-value function of a kernel: false means the result is NULL (a string that does not parse, a timestamp out of range).</summary>
internal delegate bool Conversion<TIn, TOut>(TIn value, out TOut result);

/// <summary>Loops shared by kernels that map one value to one value, null in, null out.</summary>
internal static class Map
{
    public static void Unary<TIn, TOut>(Rows rows, ColumnVector input, ReadOnlySpan<TIn> values, ColumnVector output, Span<TOut> results, Conversion<TIn, TOut> map)
    {
        var nullable = input.HasNulls;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if ((nullable && input.IsNull(r)) || !map(values[r], out var result))
            {
                results[r] = default!;
                output.SetNull(r);
            }
            else
            {
                results[r] = result;
            }
        }
    }
}
