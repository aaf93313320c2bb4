using Sluice.Data;

namespace Sluice.Tests.Expressions;

public class ArithmeticTests
{
    [Theory]
    [InlineData("id + 1", 8)]
    [InlineData("id - 10", -3)]
    [InlineData("id * 3", 21)]
    [InlineData("id + big", 10_000_000_007L)]
    [InlineData("id + amount", 9.5)]
    [InlineData("big * 2", 20_000_000_000L)]
    [InlineData("id / 2", 3.5)]
    [InlineData("4 / 2", 2.0)]
    [InlineData("id % 3", 1)]
    [InlineData("-7 % 3", -1)]
    [InlineData("7 % -3", 1)]
    [InlineData("7.5 % 2", 1.5)]
    [InlineData("big % 3", 1L)]
    [InlineData("-id", -7)]
    [InlineData("- -id", 7)]
    [InlineData("-amount", -2.5)]
    [InlineData("+id", 7)]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    public void Arithmetic_WidensToTheLargerType(string expression, object expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("id + 1", "int")]
    [InlineData("id + big", "bigint")]
    [InlineData("big + amount", "double")]
    [InlineData("id / id", "double")]
    [InlineData("id % big", "bigint")]
    [InlineData("'1' + 1", "double")]
    [InlineData("NULL + 1", "int")]
    [InlineData("NULL + NULL", "double")]
    [InlineData("-big", "bigint")]
    public void Arithmetic_ResultType_FollowsSpark(string expression, string type) =>
        Assert.Equal(type, Eval.TypeOf(expression).ToString());

    [Theory]
    [InlineData("id / 0")]
    [InlineData("amount / 0")]
    [InlineData("amount / 0.0")]
    [InlineData("id % 0")]
    [InlineData("big % 0")]
    [InlineData("amount % 0")]
    [InlineData("missing + 1")]
    [InlineData("1 - missing")]
    [InlineData("-missing")]
    [InlineData("NULL * 2")]
    [InlineData("'abc' + 1")]
    public void Arithmetic_DivisionByZeroOrNullOperand_IsNull(string expression) =>
        Assert.Null(Eval.Value(expression));

    [Theory]
    [InlineData("2147483647 + 1", int.MinValue)]
    [InlineData("-2147483648 - 1", int.MaxValue)]
    [InlineData("-(-2147483648)", int.MinValue)]
    [InlineData("65536 * 65536", 0)]
    [InlineData("9223372036854775807L + 1", long.MinValue)]
    [InlineData("-2147483648 % -1", 0)]
    [InlineData("-9223372036854775808 % -1", 0L)]
    public void Arithmetic_IntegerOverflow_WrapsAround(string expression, object expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("'1' + 1", 2.0)]
    [InlineData("' 2.5 ' * 2", 5.0)]
    [InlineData("name + 1", null)]
    [InlineData("'10' / '4'", 2.5)]
    public void Arithmetic_StringOperand_IsReadAsDouble(string expression, object? expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Fact]
    public void Arithmetic_ColumnsAreReadPerRow()
    {
        var compiled = Sluice.Expressions.ExpressionCompiler.Compile("id * 2 + big", Eval.Schema);
        var row = Eval.Row();
        Assert.Equal(10_000_000_014L, compiled.Evaluate(row));
        row[0] = 8;
        row[1] = 1L;
        Assert.Equal(17L, compiled.Evaluate(row));
        row[0] = null;
        Assert.Null(compiled.Evaluate(row));
        Assert.False(compiled.IsConstant);
    }

    [Fact]
    public void Arithmetic_OnConstants_IsFoldedOnce()
    {
        var compiled = Sluice.Expressions.ExpressionCompiler.Compile("(1 + 2) * 4", Eval.Schema);
        Assert.True(compiled.IsConstant);
        Assert.Equal(12, compiled.Evaluate([]));
    }

    [Theory]
    [InlineData("flag + 1", "cannot apply '+' to boolean and int ('flag + 1') in 'flag + 1'")]
    [InlineData("ts * 2", "cannot apply '*' to timestamp and int ('ts * 2') in 'ts * 2'")]
    [InlineData("-flag", "cannot negate 'flag' of type boolean in '-flag'")]
    [InlineData("ts - ts", "subtracting timestamps ('ts - ts') is not supported in 'ts - ts'; use unix_millis(a) - unix_millis(b)")]
    public void Arithmetic_OnNonNumbers_IsACompileError(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));
}
