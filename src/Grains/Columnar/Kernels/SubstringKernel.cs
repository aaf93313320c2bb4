using Sluice.Data;
using Sluice.Expressions.Functions;

namespace Sluice.Columnar.Kernels;

/// <summary>substring(s, pos[, len]) with bounds computed per row (constant bounds use <see cref="StringMapKernel"/>).</summary>
internal sealed class SubstringKernel(Kernel text, Kernel position, Kernel? length) : Kernel(DataType.String)
{
    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var s = (StringVector)text.Evaluate(batch);
        var pos = (Int64Vector)position.Evaluate(batch);
        var len = (Int64Vector?)length?.Evaluate(batch);
        var output = Output<StringVector>(batch);
        var codes = output.Codes;
        var rows = new Rows(batch);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (s.IsNull(r) || pos.IsNull(r) || (len is not null && len.IsNull(r)))
            {
                codes[r] = -1;
                output.SetNull(r);
            }
            else
            {
                var count = len is null ? int.MaxValue : (int)len.Values[r];
                codes[r] = output.Dictionary.GetOrAdd(StringFunctions.SubstringSql(s.GetString(r)!, (int)pos.Values[r], count));
            }
        }
        return output;
    }
}
