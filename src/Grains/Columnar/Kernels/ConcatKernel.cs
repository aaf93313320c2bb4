using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// concat(a, b, ...) and a || b over strings: NULL when any part is NULL. The parts are joined in a reused buffer and
/// looked up in the output's dictionary, so a result seen before allocates nothing.
/// </summary>
internal sealed class ConcatKernel(Kernel[] parts) : Kernel(DataType.String)
{
    private readonly StringVector[] _inputs = new StringVector[parts.Length];
    private char[] _buffer = new char[256];

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        for (var p = 0; p < parts.Length; p++)
        {
            _inputs[p] = (StringVector)parts[p].Evaluate(batch);
        }
        var output = Output<StringVector>(batch);
        var codes = output.Codes;
        var rows = new Rows(batch);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var length = Join(r);
            if (length < 0)
            {
                codes[r] = -1;
                output.SetNull(r);
            }
            else
            {
                codes[r] = output.Dictionary.GetOrAdd(_buffer.AsSpan(0, length));
            }
        }
        return output;
    }

    /// <summary>Row <paramref name="row"/>'s parts joined into the buffer; -1 when one is NULL.</summary>
    private int Join(int row)
    {
        var length = 0;
        foreach (var input in _inputs)
        {
            if (input.IsNull(row))
            {
                return -1;
            }
            var part = input.Dictionary[input.Codes[row]];
            if (length + part.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, length + part.Length));
            }
            part.CopyTo(_buffer.AsSpan(length));
            length += part.Length;
        }
        return length;
    }
}
