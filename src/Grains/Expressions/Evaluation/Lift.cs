namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Lifts a function of one non-null value to a compiled expression: null in, null out. The suffix names whether
/// input and output are value (V) or reference (R) types, since C# cannot overload on constraints.
/// </summary>
internal static class Lift
{
    public static Func<object?[], TOut?> VV<TIn, TOut>(Func<object?[], TIn?> input, Func<TIn, TOut?> map)
        where TIn : struct where TOut : struct =>
        row => input(row) is TIn value ? map(value) : null;

    public static Func<object?[], TOut?> VR<TIn, TOut>(Func<object?[], TIn?> input, Func<TIn, TOut?> map)
        where TIn : struct where TOut : class =>
        row => input(row) is TIn value ? map(value) : null;

    public static Func<object?[], TOut?> RV<TIn, TOut>(Func<object?[], TIn?> input, Func<TIn, TOut?> map)
        where TIn : class where TOut : struct =>
        row => input(row) is TIn value ? map(value) : null;

    public static Func<object?[], TOut?> RR<TIn, TOut>(Func<object?[], TIn?> input, Func<TIn, TOut?> map)
        where TIn : class where TOut : class =>
        row => input(row) is TIn value ? map(value) : null;
}
