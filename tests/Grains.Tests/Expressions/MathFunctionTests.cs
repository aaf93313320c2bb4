namespace Sluice.Tests.Expressions;

public class MathFunctionTests
{
    [Theory]
    [InlineData("abs(-5)", 5)]
    [InlineData("abs(id)", 7)]
    [InlineData("abs(-2147483648)", int.MinValue)]
    [InlineData("abs(-big)", 10_000_000_000L)]
    [InlineData("abs(-2.5)", 2.5)]
    [InlineData("abs('-3')", 3.0)]
    public void Abs_KeepsTheArgumentType(string expression, object expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("round(2.5)", 3.0)]
    [InlineData("round(-2.5)", -3.0)]
    [InlineData("round(2.4)", 2.0)]
    [InlineData("round(2.675, 2)", 2.68)]
    [InlineData("round(1.005, 2)", 1.01)]
    [InlineData("round(1234.5, -2)", 1200.0)]
    [InlineData("round(1250.0, -2)", 1300.0)]
    [InlineData("round(amount)", 3.0)]
    [InlineData("round(id)", 7)]
    [InlineData("round(15, -1)", 20)]
    [InlineData("round(-15, -1)", -20)]
    [InlineData("round(big, -10)", 10_000_000_000L)]
    [InlineData("round(1e300, 2)", 1e300)]
    public void Round_IsHalfUp(string expression, object expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("floor(2.7)", 2L)]
    [InlineData("floor(-2.1)", -3L)]
    [InlineData("ceil(2.1)", 3L)]
    [InlineData("ceil(-2.1)", -2L)]
    [InlineData("ceiling(2.0)", 2L)]
    [InlineData("floor(id)", 7L)]
    [InlineData("ceil(big)", 10_000_000_000L)]
    [InlineData("floor(1e30)", long.MaxValue)]
    public void FloorAndCeil_ReturnBigint(string expression, long expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("sqrt(16)", 4.0)]
    [InlineData("sqrt(-1)", double.NaN)]
    [InlineData("pow(2, 10)", 1024.0)]
    [InlineData("power(2, -1)", 0.5)]
    [InlineData("pow(amount, 2)", 6.25)]
    public void SqrtAndPow_ReturnDouble(string expression, double expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("abs(missing)")]
    [InlineData("round(NULL)")]
    [InlineData("round(amount, NULL)")]
    [InlineData("floor(missing)")]
    [InlineData("sqrt(missing)")]
    [InlineData("pow(2, missing)")]
    [InlineData("abs('x')")]
    public void MathFunctions_WithNullArgument_AreNull(string expression) => Assert.Null(Eval.Value(expression));

    [Theory]
    [InlineData("abs(flag)", "argument 1 of abs() must be of a numeric type, but 'flag' is of type boolean in 'abs(flag)'")]
    [InlineData("sqrt(ts)", "argument 1 of sqrt() must be of type double, but 'ts' is of type timestamp in 'sqrt(ts)'")]
    [InlineData("round(amount, id)", "the scale ('id') of round() must be a constant in 'round(amount, id)'")]
    [InlineData("pow(2)", "function pow() takes 2 arguments, but 1 was given ('pow(2)') in 'pow(2)'")]
    public void MathFunctions_WithWrongArguments_AreCompileErrors(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));
}
