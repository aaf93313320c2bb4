namespace Sluice.Expressions.Evaluation;

/// <summary>SQL's three-valued logic: false AND null is false, true OR null is true, NOT null is null.</summary>
internal static class Logic
{
    public static Func<object?[], bool?> And(Func<object?[], bool?> left, Func<object?[], bool?> right) => row =>
    {
        var a = left(row);
        if (a == false)
        {
            return false;
        }
        var b = right(row);
        return b == false ? false : a == true && b == true ? true : null;
    };

    public static Func<object?[], bool?> Or(Func<object?[], bool?> left, Func<object?[], bool?> right) => row =>
    {
        var a = left(row);
        if (a == true)
        {
            return true;
        }
        var b = right(row);
        return b == true ? true : a == false && b == false ? false : null;
    };

    public static Func<object?[], bool?> Not(Func<object?[], bool?> operand) => row => operand(row) is bool b ? !b : null;
}
