namespace Sluice.Expressions.Evaluation;

/// <summary>
/// = &lt;&gt; &lt; &lt;= &gt; &gt;= on operands of one type: null when either side is null. Strings compare
/// ordinally; doubles as Spark (NaN equals NaN and is larger than any other value, -0.0 equals 0.0).
/// </summary>
internal static class Comparisons
{
    public static Func<object?[], bool?> Ordered<T>(BinaryOperator op, Func<object?[], T?> left, Func<object?[], T?> right)
        where T : struct, IComparable<T> => op switch
        {
            BinaryOperator.Equal => row => left(row) is T a && right(row) is T b ? a.CompareTo(b) == 0 : null,
            BinaryOperator.NotEqual => row => left(row) is T a && right(row) is T b ? a.CompareTo(b) != 0 : null,
            BinaryOperator.Less => row => left(row) is T a && right(row) is T b ? a.CompareTo(b) < 0 : null,
            BinaryOperator.LessOrEqual => row => left(row) is T a && right(row) is T b ? a.CompareTo(b) <= 0 : null,
            BinaryOperator.Greater => row => left(row) is T a && right(row) is T b ? a.CompareTo(b) > 0 : null,
            BinaryOperator.GreaterOrEqual => row => left(row) is T a && right(row) is T b ? a.CompareTo(b) >= 0 : null,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    public static Func<object?[], bool?> Doubles(BinaryOperator op, Func<object?[], double?> left, Func<object?[], double?> right) => op switch
    {
        BinaryOperator.Equal => row => left(row) is double a && right(row) is double b ? CompareDoubles(a, b) == 0 : null,
        BinaryOperator.NotEqual => row => left(row) is double a && right(row) is double b ? CompareDoubles(a, b) != 0 : null,
        BinaryOperator.Less => row => left(row) is double a && right(row) is double b ? CompareDoubles(a, b) < 0 : null,
        BinaryOperator.LessOrEqual => row => left(row) is double a && right(row) is double b ? CompareDoubles(a, b) <= 0 : null,
        BinaryOperator.Greater => row => left(row) is double a && right(row) is double b ? CompareDoubles(a, b) > 0 : null,
        BinaryOperator.GreaterOrEqual => row => left(row) is double a && right(row) is double b ? CompareDoubles(a, b) >= 0 : null,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static Func<object?[], bool?> Strings(BinaryOperator op, Func<object?[], string?> left, Func<object?[], string?> right) => op switch
    {
        BinaryOperator.Equal => row => left(row) is { } a && right(row) is { } b ? string.Equals(a, b, StringComparison.Ordinal) : null,
        BinaryOperator.NotEqual => row => left(row) is { } a && right(row) is { } b ? !string.Equals(a, b, StringComparison.Ordinal) : null,
        BinaryOperator.Less => row => left(row) is { } a && right(row) is { } b ? string.CompareOrdinal(a, b) < 0 : null,
        BinaryOperator.LessOrEqual => row => left(row) is { } a && right(row) is { } b ? string.CompareOrdinal(a, b) <= 0 : null,
        BinaryOperator.Greater => row => left(row) is { } a && right(row) is { } b ? string.CompareOrdinal(a, b) > 0 : null,
        BinaryOperator.GreaterOrEqual => row => left(row) is { } a && right(row) is { } b ? string.CompareOrdinal(a, b) >= 0 : null,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Spark's <c>SQLOrderingUtil.compareDoubles</c>.</summary>
    public static int CompareDoubles(double a, double b) =>
        a == b ? 0 : double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : a < b ? -1 : 1;
}
