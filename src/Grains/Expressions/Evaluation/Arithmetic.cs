using System.Numerics;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// + - * % on operands already widened to one type. Integer overflow wraps around and a zero divisor gives null,
/// as Spark with ANSI mode off. Division is always on doubles (see <see cref="Divide"/>).
/// </summary>
internal static class Arithmetic
{
    public static Func<object?[], T?> Integral<T>(BinaryOperator op, Func<object?[], T?> left, Func<object?[], T?> right)
        where T : struct, IBinaryInteger<T>, ISignedNumber<T> => op switch
        {
            BinaryOperator.Add => row => left(row) is T a && right(row) is T b ? a + b : null,
            BinaryOperator.Subtract => row => left(row) is T a && right(row) is T b ? a - b : null,
            BinaryOperator.Multiply => row => left(row) is T a && right(row) is T b ? a * b : null,
            BinaryOperator.Remainder => row => left(row) is T a && right(row) is T b ? Remainder(a, b) : null,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    public static Func<object?[], double?> Floating(BinaryOperator op, Func<object?[], double?> left, Func<object?[], double?> right) => op switch
    {
        BinaryOperator.Add => row => left(row) is double a && right(row) is double b ? a + b : null,
        BinaryOperator.Subtract => row => left(row) is double a && right(row) is double b ? a - b : null,
        BinaryOperator.Multiply => row => left(row) is double a && right(row) is double b ? a * b : null,
        BinaryOperator.Divide => Divide(left, right),
        BinaryOperator.Remainder => row => left(row) is double a && right(row) is double b && b != 0 ? a % b : null,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static Func<object?[], double?> Divide(Func<object?[], double?> left, Func<object?[], double?> right) =>
        row => left(row) is double a && right(row) is double b && b != 0 ? a / b : null;

    public static Func<object?[], T?> Negate<T>(Func<object?[], T?> operand)
        where T : struct, IUnaryNegationOperators<T, T> =>
        row => operand(row) is T a ? -a : null;

    /// <summary>Java's remainder: the sign of the dividend; MIN_VALUE % -1 is 0 rather than an overflow.</summary>
    private static T? Remainder<T>(T a, T b) where T : struct, IBinaryInteger<T>, ISignedNumber<T> =>
        b == T.Zero ? null : b == T.NegativeOne ? T.Zero : a % b;
}
