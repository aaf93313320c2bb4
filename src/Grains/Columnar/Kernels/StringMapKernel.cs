using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// A string function of one string (upper, lower, substring with constant bounds): computed once per distinct input
/// value and kept as a code of the output's dictionary, so a repeated value allocates nothing.
/// </summary>
internal sealed class StringMapKernel : Kernel
{
    private readonly Kernel _operand;
    private readonly CodeCache<int> _cache;
    private StringDictionary? _output;

    public StringMapKernel(Kernel operand, Func<string, string> map)
        : base(DataType.String)
    {
        _operand = operand;
        _cache = new CodeCache<int>((string value, out int code) =>
        {
            code = _output!.GetOrAdd(map(value));
            return true;
        });
    }

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = (StringVector)_operand.Evaluate(batch);
        var output = Output<StringVector>(batch);
        _output = output.Dictionary;
        CastKernel.Lookup(new Rows(batch), input, _cache, output, output.Codes);
        return output;
    }
}
