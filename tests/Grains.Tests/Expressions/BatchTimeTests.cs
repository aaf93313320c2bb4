using Sluice.Columnar;
using Sluice.Columnar.Kernels;
using Sluice.Expressions;
using Sluice.Expressions.Evaluation;
using Sluice.Tests.Columnar;

namespace Sluice.Tests.Expressions;

/// <summary>
/// current_timestamp(), now() and unix_timestamp() are the batch's timestamp (Spark's micro-batch replaces them with
/// <c>batchTimestampMs</c>): one compiled expression gives each batch its own value, rows and columns agree.
/// </summary>
public class BatchTimeTests
{
    private const long TenSeconds = 10_000;
    private const long ThirtyDaysAndABit = 30L * 86_400_000 + 3_723_456;

    [Theory]
    [InlineData("current_timestamp()")]
    [InlineData("now()")]
    public void CurrentTimestamp_IsTheBatchTimestamp_InEachBatch(string text)
    {
        var expression = ExpressionCompiler.Compile(text, Eval.Schema);

        Assert.False(expression.IsConstant);
        Assert.Equal(Sluice.Data.DataType.Timestamp, expression.Type);
        using (BatchTime.Enter(TenSeconds))
        {
            Assert.Equal(DateTime.UnixEpoch.AddSeconds(10), expression.Evaluate(Eval.Row()));
        }
        using (BatchTime.Enter(ThirtyDaysAndABit))
        {
            Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(ThirtyDaysAndABit), expression.Evaluate(Eval.Row()));
        }
    }

    [Theory]
    [InlineData("unix_timestamp()", TenSeconds, 10L)]
    [InlineData("CAST(current_timestamp() AS bigint)", 10_999L, 10L)]
    [InlineData("unix_millis(current_timestamp())", 10_999L, 10_999L)]
    [InlineData("date_trunc('DAY', now()) = TIMESTAMP '1970-01-31 00:00:00'", ThirtyDaysAndABit, true)]
    [InlineData("current_timezone()", TenSeconds, "UTC")]
    [InlineData("big >= CAST(current_timestamp() AS bigint) - 10", TenSeconds, true)]
    [InlineData("id >= CAST(current_timestamp() AS bigint) - 10", 17_000L, true)]
    [InlineData("id >= CAST(current_timestamp() AS bigint) - 10", 18_000L, false)]
    public void BatchTimeFunctions_InExpressions(string text, long batchTimestampMs, object expected)
    {
        using var batch = BatchTime.Enter(batchTimestampMs);
        Assert.Equal(expected, Eval.Value(text));
    }

    [Fact]
    public void CurrentTimestamp_OutsideABatch_FailsNamingTheCause()
    {
        var expression = ExpressionCompiler.Compile("current_timestamp()", Eval.Schema);

        var error = Assert.Throws<BatchTime.OutsideBatchException>(() => expression.Evaluate(Eval.Row()));
        Assert.Contains("outside a micro-batch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchScope_FlowsThroughAwaits_AndEndsWithTheStep()
    {
        var expression = ExpressionCompiler.Compile("current_timestamp()", Eval.Schema);

        var inside = await StepAsync(expression, TenSeconds);

        Assert.Equal(DateTime.UnixEpoch.AddSeconds(10), inside);
        Assert.Throws<BatchTime.OutsideBatchException>(() => expression.Evaluate(Eval.Row()));
    }

    private static async Task<object?> StepAsync(CompiledExpression expression, long batchTimestampMs)
    {
        using var batch = BatchTime.Enter(batchTimestampMs);
        await Task.Yield();
        return expression.Evaluate(Eval.Row());
    }

    [Theory]
    [InlineData("l >= CAST(current_timestamp() AS bigint) - 10")]
    [InlineData("CAST(current_timestamp() AS bigint) - l")]
    [InlineData("t < current_timestamp()")]
    [InlineData("current_timestamp() + INTERVAL 1 DAY")]
    [InlineData("unix_timestamp() + i")]
    [InlineData("date_trunc('DAY', current_timestamp())")]
    [InlineData("concat(s, current_timezone())")]
    public void Kernels_AgreeWithTheRowEvaluator_InEachBatch(string text)
    {
        var expression = ExpressionCompiler.Compile(text, KernelRandomData.Schema);
        var kernel = KernelCompiler.Compile(expression, KernelRandomData.Schema);
        var data = new KernelRandomData(text.Length, nulls: true);
        var batch = new ColumnBatch(KernelRandomData.Schema);
        foreach (var batchTimestampMs in new[] { 0L, TenSeconds, ThirtyDaysAndABit, 1_700_000_000_123L })
        {
            using var scope = BatchTime.Enter(batchTimestampMs);
            var rows = data.Rows(40);
            data.Fill(batch, rows);
            var vector = kernel.Evaluate(batch);
            Assert.Equal(expression.Type, vector.Type);
            for (var i = 0; i < batch.SelectedCount; i++)
            {
                var r = batch.RowAt(i);
                Assert.Equal(expression.Evaluate(rows[r]), vector.GetValue(r));
            }
        }
    }
}
