using Sluice.Columnar;
using Sluice.Columnar.Kernels;
using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Tests.Columnar;

/// <summary>
/// The issue's required check: random expressions over random batches (NULLs, every type, random selections), each
/// evaluated by its kernel and by the row evaluator, must give the same value for every selected row.
/// </summary>
public class KernelEquivalenceTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    [InlineData(6, false)]
    public void RandomExpressions_KernelsAgreeWithTheRowEvaluator(int seed, bool nulls)
    {
        // Without NULLs the kernels take their no-bitmap paths.
        var data = new KernelRandomData(seed, nulls);
        var batch = new ColumnBatch(KernelRandomData.Schema);
        int compiled = 0, native = 0;
        for (var attempt = 0; attempt < 1500; attempt++)
        {
            var text = data.Expression(depth: 1 + (attempt % 4));
            CompiledExpression expression;
            try
            {
                expression = ExpressionCompiler.Compile(text, KernelRandomData.Schema);
            }
            catch (ExpressionException)
            {
                continue;
            }
            compiled++;
            var kernel = KernelCompiler.Compile(expression, KernelRandomData.Schema);
            native += kernel is RowKernel ? 0 : 1;
            // Several batches through one kernel: its caches by dictionary code must stay right as dictionaries grow.
            for (var b = 0; b < 3; b++)
            {
                var rows = data.Rows(40);
                data.Fill(batch, rows);
                var vector = kernel.Evaluate(batch);
                Assert.Equal(expression.Type, vector.Type);
                for (var i = 0; i < batch.SelectedCount; i++)
                {
                    var r = batch.RowAt(i);
                    var expected = expression.Evaluate(rows[r]);
                    var actual = vector.GetValue(r);
                    Assert.True(Same(expected, actual), $"'{text}' on row {r} [{string.Join(", ", rows[r])}]: row path {Show(expected)}, kernel {Show(actual)}");
                }
            }
        }
        Assert.True(compiled > 300, $"only {compiled} random expressions compiled");
        Assert.True(native > compiled / 3, $"only {native} of {compiled} expressions got a kernel (the rest ran row at a time)");
    }

    [Theory]
    [InlineData("s = 'abc'")]
    [InlineData("'abc' = s")]
    [InlineData("s <> 'not in the dictionary'")]
    [InlineData("s <=> 'a'")]
    [InlineData("'Y' <=> u")]
    [InlineData("s = u")]
    [InlineData("s = s")]
    [InlineData("s <=> s")]
    [InlineData("s < u")]
    [InlineData("upper(s) = upper(u)")]
    public void StringComparisons_ByCodeOrByValue_AgreeWithTheRowEvaluator(string text)
    {
        var expression = ExpressionCompiler.Compile(text, KernelRandomData.Schema);
        var kernel = KernelCompiler.Compile(expression, KernelRandomData.Schema);
        Assert.IsType<ComparisonKernel>(kernel);
        foreach (var nulls in new[] { true, false })
        {
            var data = new KernelRandomData(text.Length, nulls);
            var batch = new ColumnBatch(KernelRandomData.Schema);
            for (var b = 0; b < 3; b++)
            {
                var rows = data.Rows(100);
                data.Fill(batch, rows);
                var vector = kernel.Evaluate(batch);
                for (var i = 0; i < batch.SelectedCount; i++)
                {
                    var r = batch.RowAt(i);
                    Assert.True(Same(expression.Evaluate(rows[r]), vector.GetValue(r)), $"'{text}' on row {r}");
                }
            }
        }
    }

    [Theory]
    [InlineData("i + j", DataTypeKind.Int)]
    [InlineData("i * 2147483647", DataTypeKind.Int)]
    [InlineData("l % 0", DataTypeKind.Long)]
    [InlineData("d / 0", DataTypeKind.Double)]
    [InlineData("s = 'abc'", DataTypeKind.Boolean)]
    [InlineData("s <=> u", DataTypeKind.Boolean)]
    [InlineData("b AND (i > 3 OR c)", DataTypeKind.Boolean)]
    [InlineData("CAST(s AS int)", DataTypeKind.Int)]
    [InlineData("CAST(t AS string)", DataTypeKind.String)]
    [InlineData("upper(s) || lower(u)", DataTypeKind.String)]
    [InlineData("substring(s, 2, 3)", DataTypeKind.String)]
    [InlineData("length(s) IS NULL", DataTypeKind.Boolean)]
    [InlineData("t - INTERVAL 90 SECONDS", DataTypeKind.Timestamp)]
    [InlineData("INTERVAL 1 DAY + CAST(s AS timestamp)", DataTypeKind.Timestamp)]
    public void CommonExpressions_GetKernels_NotTheRowFallback(string text, DataTypeKind type)
    {
        var expression = ExpressionCompiler.Compile(text, KernelRandomData.Schema);
        var kernel = KernelCompiler.Compile(expression, KernelRandomData.Schema);
        Assert.IsNotType<RowKernel>(kernel);
        Assert.Equal(type, kernel.Type.Kind);
    }

    [Fact]
    public void ColumnReference_PassesTheVectorThrough()
    {
        var batch = ColumnBatch.FromRows(KernelRandomData.Schema, new KernelRandomData(9).Rows(5));
        var kernel = KernelCompiler.Compile(ExpressionCompiler.Compile("s", KernelRandomData.Schema), KernelRandomData.Schema);
        Assert.Same(batch.Column(7), kernel.Evaluate(batch));
    }

    /// <summary>Exact equality: the same CLR type and value, doubles bit for bit (NaN equal to NaN), timestamps by ticks.</summary>
    private static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
        (DateTime a, DateTime b) => a.Ticks == b.Ticks,
        (StructValue a, StructValue b) => a.Values.SequenceEqual(b.Values),
        _ => expected is not null && expected.GetType() == actual?.GetType() && expected.Equals(actual),
    };

    private static string Show(object? value) => value is null ? "NULL" : $"{value} ({value.GetType().Name})";
}
