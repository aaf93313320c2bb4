using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>IS [NOT] NULL: the operand's validity, never NULL itself.</summary>
internal sealed class IsNullKernel(Kernel operand, bool negated) : Kernel(DataType.Boolean)
{
    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = operand.Evaluate(batch);
        var output = Output<BooleanVector>(batch);
        var results = output.Values;
        var rows = new Rows(batch);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            results[r] = input.IsNull(r) != negated;
        }
        return output;
    }
}
