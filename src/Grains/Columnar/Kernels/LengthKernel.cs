using Sluice.Data;
using Sluice.Expressions.Functions;

namespace Sluice.Columnar.Kernels;

/// <summary>length(s): code points, once per distinct value.</summary>
internal sealed class LengthKernel(Kernel operand) : Kernel(DataType.Int)
{
    private readonly CodeCache<long> _cache = new(static (string value, out long length) =>
    {
        length = StringFunctions.CodePointLength(value);
        return true;
    });

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = (StringVector)operand.Evaluate(batch);
        var output = Output<Int64Vector>(batch);
        CastKernel.Lookup(new Rows(batch), input, _cache, output, output.Values);
        return output;
    }
}
