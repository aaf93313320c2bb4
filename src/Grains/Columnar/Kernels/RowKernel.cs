using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// The fallback for an expression without a kernel (LIKE, CASE, IN, date functions, ...): each selected row's values
/// of the columns it reads are boxed into one reused row and the row evaluator runs on it, so every expression runs
/// on columns, with exactly the row path's result, at the row path's cost.
/// </summary>
internal sealed class RowKernel : Kernel
{
    private readonly CompiledExpression _expression;
    private readonly int[] _columns;
    private readonly int[] _present;
    private readonly ColumnVector[] _vectors;
    private readonly object?[] _row;

    public RowKernel(CompiledExpression expression, StreamSchema schema)
        : base(expression.Type)
    {
        _expression = expression;
        var read = new bool[schema.Count];
        if (!ExprColumns.Mark(expression.Syntax, schema, read))
        {
            Array.Fill(read, true);
        }
        _columns = [.. Enumerable.Range(0, read.Length).Where(i => read[i])];
        _present = new int[_columns.Length];
        _vectors = new ColumnVector[_columns.Length];
        _row = new object?[schema.Count];
    }

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var used = 0;
        foreach (var c in _columns)
        {
            if (batch.IsRead(c))
            {
                _present[used] = c;
                _vectors[used++] = batch.Column(c);
            }
        }
        var output = Output<ColumnVector>(batch);
        var rows = new Rows(batch);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            for (var c = 0; c < used; c++)
            {
                _row[_present[c]] = _vectors[c].GetValue(r);
            }
            Write(output, r, _expression.Evaluate(_row));
        }
        return output;
    }

    /// <summary>Stores a row-path value (int, long, double, bool, string, UTC DateTime, ...) in slot <paramref name="row"/>.</summary>
    private static void Write(ColumnVector output, int row, object? value)
    {
        switch (output)
        {
            case Int64Vector longs:
                longs.Values[row] = value switch { int i => i, long l => l, DateTime t => t.Ticks, _ => 0 };
                break;
            case DoubleVector doubles:
                doubles.Values[row] = value is double d ? d : 0;
                break;
            case BooleanVector booleans:
                booleans.Values[row] = value is true;
                break;
            case StringVector strings:
                strings.Codes[row] = value is string s ? strings.Dictionary.GetOrAdd(s) : -1;
                break;
            case ObjectVector objects:
                objects.Values[row] = value;
                break;
        }
        if (value is null)
        {
            output.SetNull(row);
        }
    }
}
