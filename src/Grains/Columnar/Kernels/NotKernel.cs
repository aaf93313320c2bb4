using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>NOT: NULL stays NULL.</summary>
internal sealed class NotKernel(Kernel operand) : Kernel(DataType.Boolean)
{
    private static readonly Conversion<bool, bool> Negate = static (bool v, out bool r) => { r = !v; return true; };

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = (BooleanVector)operand.Evaluate(batch);
        var output = Output<BooleanVector>(batch);
        Map.Unary(new Rows(batch), input, input.Values, output, output.Values, Negate);
        return output;
    }
}
