namespace Sluice.Columnar.Kernels;

/// <summary>
/// + - * % of integers held as longs, as <c>Evaluation.Arithmetic</c> does them: int operations wrap at 32 bits,
/// bigint at 64; a zero divisor gives NULL; Java's remainder (x % -1 is 0, the dividend's sign).
/// </summary>
/// <summary>One arithmetic operator on two non-null operands of one type; false gives NULL (a zero divisor).</summary>
internal interface IArithmeticOp<T>
{
    static abstract bool TryApply(T a, T b, out T result);
}

/// <summary>An operator on int or bigint operands, both held as longs.</summary>
internal interface IIntegralOp : IArithmeticOp<long>
{
}

/// <summary>An operator on double operands.</summary>
internal interface IFloatingOp : IArithmeticOp<double>
{
}

internal readonly struct AddInt : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = unchecked((int)a + (int)b);
        return true;
    }
}

internal readonly struct SubtractInt : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = unchecked((int)a - (int)b);
        return true;
    }
}

internal readonly struct MultiplyInt : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = unchecked((int)a * (int)b);
        return true;
    }
}

internal readonly struct AddLong : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = unchecked(a + b);
        return true;
    }
}

internal readonly struct SubtractLong : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = unchecked(a - b);
        return true;
    }
}

internal readonly struct MultiplyLong : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = unchecked(a * b);
        return true;
    }
}

/// <summary>For int and bigint alike: the remainder of two ints fits an int.</summary>
internal readonly struct RemainderIntegral : IIntegralOp
{
    public static bool TryApply(long a, long b, out long result)
    {
        result = b == -1 ? 0 : b == 0 ? 0 : a % b;
        return b != 0;
    }
}

internal readonly struct AddDouble : IFloatingOp
{
    public static bool TryApply(double a, double b, out double result)
    {
        result = a + b;
        return true;
    }
}

internal readonly struct SubtractDouble : IFloatingOp
{
    public static bool TryApply(double a, double b, out double result)
    {
        result = a - b;
        return true;
    }
}

internal readonly struct MultiplyDouble : IFloatingOp
{
    public static bool TryApply(double a, double b, out double result)
    {
        result = a * b;
        return true;
    }
}

internal readonly struct DivideDouble : IFloatingOp
{
    public static bool TryApply(double a, double b, out double result)
    {
        result = b != 0 ? a / b : 0;
        return b != 0;
    }
}

internal readonly struct RemainderDouble : IFloatingOp
{
    public static bool TryApply(double a, double b, out double result)
    {
        result = b != 0 ? a % b : 0;
        return b != 0;
    }
}
