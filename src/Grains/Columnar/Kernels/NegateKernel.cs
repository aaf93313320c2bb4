using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>Unary minus on an int (wrapping at 32 bits), bigint (wrapping) or double.</summary>
internal sealed class NegateKernel(Kernel operand) : Kernel(operand.Type)
{
    private static readonly Conversion<long, long> NegateInt = static (long v, out long r) => { r = unchecked(-(int)v); return true; };
    private static readonly Conversion<long, long> NegateLong = static (long v, out long r) => { r = unchecked(-v); return true; };
    private static readonly Conversion<double, double> NegateDouble = static (double v, out double r) => { r = -v; return true; };

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = operand.Evaluate(batch);
        var rows = new Rows(batch);
        if (input is DoubleVector doubles)
        {
            var output = Output<DoubleVector>(batch);
            Map.Unary(rows, input, doubles.Values, output, output.Values, NegateDouble);
            return output;
        }
        var longs = Output<Int64Vector>(batch);
        Map.Unary(rows, input, ((Int64Vector)input).Values, longs, longs.Values, Type.Kind == DataTypeKind.Int ? NegateInt : NegateLong);
        return longs;
    }
}
