using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// AND / OR with SQL's three-valued logic, on the operands' values and validity: FALSE AND NULL is FALSE, TRUE OR
/// NULL is TRUE, anything else with a NULL is NULL (<c>Evaluation.Logic</c>).
/// </summary>
internal sealed class LogicKernel(bool and, Kernel left, Kernel right) : Kernel(DataType.Boolean)
{
    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var a = (BooleanVector)left.Evaluate(batch);
        var b = (BooleanVector)right.Evaluate(batch);
        var output = Output<BooleanVector>(batch);
        var x = a.Values;
        var y = b.Values;
        var results = output.Values;
        var rows = new Rows(batch);
        if (!a.HasNulls && !b.HasNulls)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                results[r] = and ? x[r] & y[r] : x[r] | y[r];
            }
            return output;
        }
        // The deciding value: FALSE for AND, TRUE for OR. Either side holding it decides; otherwise NULL wins over the other.
        var decides = !and;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var aNull = a.IsNull(r);
            var bNull = b.IsNull(r);
            if ((!aNull && x[r] == decides) || (!bNull && y[r] == decides))
            {
                results[r] = decides;
            }
            else if (aNull || bNull)
            {
                results[r] = false;
                output.SetNull(r);
            }
            else
            {
                results[r] = !decides;
            }
        }
        return output;
    }
}
