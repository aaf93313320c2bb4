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
        Assert.Equal(0, Enumerable.Range(0, 5).Min(_ => AllocatedBy(() => kernel.Evaluate(batch))));
    }

    /// <summary>
    /// Bytes <paramref name="action"/> allocated on this thread. The least of several runs is the kernel's own: a run can
    /// also be charged for the runtime's tiered compilation (the call that promotes a method may start the runtime's
    /// background JIT worker, a managed thread allocated on the caller's thread), which a kernel that allocates per
    /// batch does every time and a warm kernel does not.
    /// </summary>
    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
