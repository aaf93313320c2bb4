using Sluice.Columnar;
using Sluice.Columnar.Kernels;
using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Planning;

/// <summary>
/// Keeps the rows whose condition is true (false and NULL drop the row, as in SQL's WHERE). On columns it narrows the
/// batch's selection vector; it does so when it knows its <paramref name="input"/> schema.
/// </summary>
internal sealed class FilterOperator(CompiledExpression condition, StreamSchema? input = null) : IColumnarOperator
{
    private Kernel? _kernel;

    public bool IsColumnar => input is not null && condition.Type.Kind == DataTypeKind.Boolean;

    public void Apply(List<object?[]> rows, BatchContext context)
    {
        var kept = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (condition.IsTrue(rows[i]))
            {
                rows[kept++] = rows[i];
            }
        }
        rows.RemoveRange(kept, rows.Count - kept);
    }

    public ColumnBatch Apply(ColumnBatch batch, BatchContext context)
    {
        _kernel ??= KernelCompiler.Compile(condition, input!);
        var result = (BooleanVector)_kernel.Evaluate(batch);
        var values = result.Values;
        var count = batch.SelectedCount;
        var all = !batch.HasSelection;
        var kept = batch.SelectionBuffer();
        var selection = batch.Selection;
        var nullable = result.HasNulls;
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            // kept may alias selection: index i is read before any write at or below it.
            var r = all ? i : selection[i];
            if (values[r] && !(nullable && result.IsNull(r)))
            {
                kept[n++] = r;
            }
        }
        batch.SetSelection(n);
        return batch;
    }

    public bool[]? InputColumns(bool[] outputNeeded)
    {
        var read = (bool[])outputNeeded.Clone();
        return ExprColumns.Mark(condition.Syntax, input!, read) ? read : null;
    }
}
