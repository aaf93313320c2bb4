using Sluice.Columnar;
using Sluice.Columnar.Kernels;
using Sluice.Expressions;

namespace Sluice.Tests.Columnar;

/// <summary>Warm kernels reuse their vectors, bitmaps and per-value caches: evaluating a batch again allocates nothing.</summary>
public class KernelAllocationTests
{
    [Theory]
    [InlineData("(i + j) * 2 > l AND s = 'abc'")]
    [InlineData("CAST(s AS int) + length(upper(s))")]
    [InlineData("NOT (d / e < 1.5) OR b IS NULL")]
    [InlineData("concat(CAST(i AS string), '-', lower(u))")]
    [InlineData("CAST(CAST(t AS bigint) AS double) BETWEEN d AND e")]
    public void WarmKernel_AllocatesNothingPerBatch(string text)
    {
        var data = new KernelRandomData(text.Length);
        var batch = new ColumnBatch(KernelRandomData.Schema);
        data.Fill(batch, data.Rows(4096));
        var kernel = KernelCompiler.Compile(ExpressionCompiler.Compile(text, KernelRandomData.Schema), KernelRandomData.Schema);
        Assert.IsNotType<RowKernel>(kernel);
        kernel.Evaluate(batch);
        kernel.Evaluate(batch);
        var before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Evaluate(batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
