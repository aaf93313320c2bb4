namespace Sluice.Tests.Expressions;

public class ComparisonTests
{
    [Theory]
    [InlineData("id = 7", true)]
    [InlineData("id == 7", true)]
    [InlineData("id != 7", false)]
    [InlineData("id <> 8", true)]
    [InlineData("id < big", true)]
    [InlineData("id <= 7", true)]
    [InlineData("id > 7.5", false)]
    [InlineData("amount >= 2.5", true)]
    [InlineData("big = 10000000000", true)]
    [InlineData("name = 'Alice'", true)]
    [InlineData("name = 'alice'", false)]
    [InlineData("name < 'Bob'", true)]
    [InlineData("'a' < 'B'", false)]
    [InlineData("flag = true", true)]
    [InlineData("false < true", true)]
    [InlineData("ts = TIMESTAMP '2024-01-01 00:00:07'", true)]
    [InlineData("ts > TIMESTAMP '2024-01-01 00:00:00'", true)]
    [InlineData("window = window", true)]
    [InlineData("window != window", false)]
    public void Comparison_OfSameOrWidenedTypes(string expression, bool expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("ts = '2024-01-01 00:00:07'", true)]
    [InlineData("ts < '2024-01-01T00:00:08Z'", true)]
    [InlineData("'7' = id", true)]
    [InlineData("'1.5' = 1", true)]
    [InlineData("'2.5' = amount", true)]
    [InlineData("'true' = flag", true)]
    public void Comparison_StringWithOtherType_CastsTheString(string expression, bool expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("missing = 1")]
    [InlineData("1 < missing")]
    [InlineData("NULL = NULL")]
    [InlineData("nothing = 'x'")]
    [InlineData("'abc' = id")]
    [InlineData("ts = 'not a time'")]
    public void Comparison_WithNull_IsNull(string expression) => Assert.Null(Eval.Value(expression));

    [Theory]
    [InlineData("missing <=> NULL", true)]
    [InlineData("NULL <=> NULL", true)]
    [InlineData("id <=> NULL", false)]
    [InlineData("id <=> 7", true)]
    [InlineData("nothing <=> name", false)]
    [InlineData("amount <=> 2.5", true)]
    public void NullSafeEqual_IsNeverNull(string expression, bool expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("CAST('NaN' AS double) = CAST('NaN' AS double)", true)]
    [InlineData("CAST('NaN' AS double) > 1e308", true)]
    [InlineData("-0.0 = 0.0", true)]
    [InlineData("CAST('-Infinity' AS double) < -1e308", true)]
    public void Comparison_OfDoubles_OrdersNaNLastAsSpark(string expression, bool expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("ts = 1", "cannot compare timestamp with int ('ts = 1') in 'ts = 1'")]
    [InlineData("flag = 1", "cannot compare boolean with int ('flag = 1') in 'flag = 1'")]
    [InlineData("window < window", "cannot apply '<' to values of type struct<start:timestamp,end:timestamp> ('window < window') in 'window < window'")]
    public void Comparison_OfIncompatibleTypes_IsACompileError(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));
}
