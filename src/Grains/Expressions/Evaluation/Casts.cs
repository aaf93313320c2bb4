using System.Globalization;
using System.Text;
using Sluice.Data;
using Sluice.Expressions.Binding;
using static Sluice.Data.DataTypeKind;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Spark's CAST with ANSI mode off: a string that does not parse is null, numbers narrow by truncation and
/// wrap-around, a double outside an integer type saturates (Java), numbers and timestamps convert through seconds
/// since the epoch. Casts between timestamp and boolean are not supported.
/// </summary>
internal static class Casts
{
    public static bool IsSupported(DataType from, DataType to) =>
        from.Equals(to) || from.Kind == Null || (from.Kind, to.Kind) switch
        {
            (Int or Long or Double or Boolean or String, Int or Long or Double or Boolean or String) => true,
            (Int or Long or Double or String, Timestamp) => true,
            (Timestamp, Int or Long or Double or String) => true,
            (String, Binary) or (Binary, String) => true,
            _ => false,
        };

    /// <summary>Converts <paramref name="value"/> to <paramref name="to"/>; the cast must be supported.</summary>
    public static BoundExpression Apply(BoundExpression value, DataType to)
    {
        if (value.Type.Equals(to))
        {
            return value;
        }
        if (value.Type.Kind == Null)
        {
            return BoundExpression.Constant(to, null);
        }
        var evaluator = Build(value, to.Kind)
            ?? throw new InvalidOperationException($"cast from {value.Type} to {to} is not supported");
        return BoundExpression.Of(to, evaluator, value);
    }

    private static Delegate? Build(BoundExpression value, DataTypeKind to) => value.Type.Kind switch
    {
        Int => FromInt(value.As<int?>(), to),
        Long => FromLong(value.As<long?>(), to),
        Double => FromDouble(value.As<double?>(), to),
        Boolean => FromBoolean(value.As<bool?>(), to),
        String => FromString(value.As<string?>(), to),
        Timestamp => FromTimestamp(value.As<DateTime?>(), to),
        Binary when to == String => Lift.RR(value.As<byte[]?>(), static v => Encoding.UTF8.GetString(v)),
        _ => null,
    };

    private static Delegate? FromInt(Func<object?[], int?> f, DataTypeKind to) => to switch
    {
        Long => Lift.VV(f, static v => (long?)v),
        Double => Lift.VV(f, static v => (double?)v),
        Boolean => Lift.VV(f, static v => (bool?)(v != 0)),
        String => Lift.VR(f, static v => v.ToString(CultureInfo.InvariantCulture)),
        Timestamp => Lift.VV(f, static v => Timestamps.FromSeconds(v)),
        _ => null,
    };

    private static Delegate? FromLong(Func<object?[], long?> f, DataTypeKind to) => to switch
    {
        Int => Lift.VV(f, static v => (int?)unchecked((int)v)),
        Double => Lift.VV(f, static v => (double?)v),
        Boolean => Lift.VV(f, static v => (bool?)(v != 0)),
        String => Lift.VR(f, static v => v.ToString(CultureInfo.InvariantCulture)),
        Timestamp => Lift.VV(f, static v => Timestamps.FromSeconds(v)),
        _ => null,
    };

    private static Delegate? FromDouble(Func<object?[], double?> f, DataTypeKind to) => to switch
    {
        Int => Lift.VV(f, static v => (int?)SaturatingToInt(v)),
        Long => Lift.VV(f, static v => (long?)SaturatingToLong(v)),
        Boolean => Lift.VV(f, static v => (bool?)(v != 0)),
        String => Lift.VR(f, DoubleText.Format),
        Timestamp => Lift.VV(f, static v => Timestamps.FromSeconds(v)),
        _ => null,
    };

    private static Delegate? FromBoolean(Func<object?[], bool?> f, DataTypeKind to) => to switch
    {
        Int => Lift.VV(f, static v => (int?)(v ? 1 : 0)),
        Long => Lift.VV(f, static v => (long?)(v ? 1L : 0L)),
        Double => Lift.VV(f, static v => (double?)(v ? 1.0 : 0.0)),
        String => Lift.VR(f, static v => v ? "true" : "false"),
        _ => null,
    };

    private static Delegate? FromString(Func<object?[], string?> f, DataTypeKind to) => to switch
    {
        Int => Lift.RV(f, StringConversions.ToInt),
        Long => Lift.RV(f, StringConversions.ToLong),
        Double => Lift.RV(f, StringConversions.ToDouble),
        Boolean => Lift.RV(f, StringConversions.ToBoolean),
        Timestamp => Lift.RV(f, static v => TimestampText.TryParse(v, out var t) ? t : (DateTime?)null),
        Binary => Lift.RR(f, static v => Encoding.UTF8.GetBytes(v)),
        _ => null,
    };

    private static Delegate? FromTimestamp(Func<object?[], DateTime?> f, DataTypeKind to) => to switch
    {
        Int => Lift.VV(f, static v => (int?)unchecked((int)Timestamps.ToSeconds(v))),
        Long => Lift.VV(f, static v => (long?)Timestamps.ToSeconds(v)),
        Double => Lift.VV(f, static v => (double?)Timestamps.ToFractionalSeconds(v)),
        String => Lift.VR(f, TimestampText.Format),
        _ => null,
    };

    /// <summary>Java's double-to-int conversion: truncates toward zero, saturates, NaN is 0.</summary>
    public static int SaturatingToInt(double value) =>
        double.IsNaN(value) ? 0 : value >= int.MaxValue ? int.MaxValue : value <= int.MinValue ? int.MinValue : (int)value;

    public static long SaturatingToLong(double value) =>
        double.IsNaN(value) ? 0 : value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;
}
