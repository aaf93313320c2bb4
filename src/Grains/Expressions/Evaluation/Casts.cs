using System.Globalization;
using System.Text;
using Sluice.Data;
using Sluice.Expressions.Binding;
using TypeKind = Sluice.Data.DataTypeKind;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Spark's CAST with ANSI mode off: a string that does not parse is null, numbers narrow by truncation and
/// wrap-around, a double outside an integer type saturates (Java), numbers and timestamps convert through seconds
/// since the epoch. Casts between timestamp and boolean are not supported.
/// </summary>
internal static class Casts
{
    public static bool IsSupported(DataType from, DataType to) =>
        from.Equals(to) || from.Kind == TypeKind.Null || (from.Kind, to.Kind) switch
        {
            (TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.Boolean or TypeKind.String, TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.Boolean or TypeKind.String) => true,
            (TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.String, TypeKind.Timestamp) => true,
            (TypeKind.Timestamp, TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.String) => true,
            (TypeKind.String, TypeKind.Binary) or (TypeKind.Binary, TypeKind.String) => true,
            _ => false,
        };

    /// <summary>Converts <paramref name="value"/> to <paramref name="to"/>; the cast must be supported.</summary>
    public static BoundExpression Apply(BoundExpression value, DataType to)
    {
        if (value.Type.Equals(to))
        {
            return value;
        }
        if (value.Type.Kind == TypeKind.Null)
        {
            return BoundExpression.Constant(to, null);
        }
        var evaluator = Build(value, to.Kind)
            ?? throw new InvalidOperationException($"cast from {value.Type} to {to} is not supported");
        return BoundExpression.Of(to, evaluator, value);
    }

    private static Delegate? Build(BoundExpression value, DataTypeKind to) => value.Type.Kind switch
    {
        TypeKind.Int => FromInt(value.As<int?>(), to),
        TypeKind.Long => FromLong(value.As<long?>(), to),
        TypeKind.Double => FromDouble(value.As<double?>(), to),
        TypeKind.Boolean => FromBoolean(value.As<bool?>(), to),
        TypeKind.String => FromString(value.As<string?>(), to),
        TypeKind.Timestamp => FromTimestamp(value.As<DateTime?>(), to),
        TypeKind.Binary when to == TypeKind.String => Lift.RR(value.As<byte[]?>(), static v => Encoding.UTF8.GetString(v)),
        _ => null,
    };

    private static Delegate? FromInt(Func<object?[], int?> f, DataTypeKind to) => to switch
    {
        TypeKind.Long => Lift.VV(f, static v => (long?)v),
        TypeKind.Double => Lift.VV(f, static v => (double?)v),
        TypeKind.Boolean => Lift.VV(f, static v => (bool?)(v != 0)),
        TypeKind.String => Lift.VR(f, static v => v.ToString(CultureInfo.InvariantCulture)),
        TypeKind.Timestamp => Lift.VV(f, static v => Timestamps.FromSeconds(v)),
        _ => null,
    };

    private static Delegate? FromLong(Func<object?[], long?> f, DataTypeKind to) => to switch
    {
        TypeKind.Int => Lift.VV(f, static v => (int?)unchecked((int)v)),
        TypeKind.Double => Lift.VV(f, static v => (double?)v),
        TypeKind.Boolean => Lift.VV(f, static v => (bool?)(v != 0)),
        TypeKind.String => Lift.VR(f, static v => v.ToString(CultureInfo.InvariantCulture)),
        TypeKind.Timestamp => Lift.VV(f, static v => Timestamps.FromSeconds(v)),
        _ => null,
    };

    private static Delegate? FromDouble(Func<object?[], double?> f, DataTypeKind to) => to switch
    {
        TypeKind.Int => Lift.VV(f, static v => (int?)SaturatingToInt(v)),
        TypeKind.Long => Lift.VV(f, static v => (long?)SaturatingToLong(v)),
        TypeKind.Boolean => Lift.VV(f, static v => (bool?)(v != 0)),
        TypeKind.String => Lift.VR(f, DoubleText.Format),
        TypeKind.Timestamp => Lift.VV(f, static v => Timestamps.FromSeconds(v)),
        _ => null,
    };

    private static Delegate? FromBoolean(Func<object?[], bool?> f, DataTypeKind to) => to switch
    {
        TypeKind.Int => Lift.VV(f, static v => (int?)(v ? 1 : 0)),
        TypeKind.Long => Lift.VV(f, static v => (long?)(v ? 1L : 0L)),
        TypeKind.Double => Lift.VV(f, static v => (double?)(v ? 1.0 : 0.0)),
        TypeKind.String => Lift.VR(f, static v => v ? "true" : "false"),
        _ => null,
    };

    private static Delegate? FromString(Func<object?[], string?> f, DataTypeKind to) => to switch
    {
        TypeKind.Int => Lift.RV(f, StringConversions.ToInt),
        TypeKind.Long => Lift.RV(f, StringConversions.ToLong),
        TypeKind.Double => Lift.RV(f, StringConversions.ToDouble),
        TypeKind.Boolean => Lift.RV(f, StringConversions.ToBoolean),
        TypeKind.Timestamp => Lift.RV(f, static v => TimestampText.TryParse(v, out var t) ? t : (DateTime?)null),
        TypeKind.Binary => Lift.RR(f, static v => Encoding.UTF8.GetBytes(v)),
        _ => null,
    };

    private static Delegate? FromTimestamp(Func<object?[], DateTime?> f, DataTypeKind to) => to switch
    {
        TypeKind.Int => Lift.VV(f, static v => (int?)unchecked((int)Timestamps.ToSeconds(v))),
        TypeKind.Long => Lift.VV(f, static v => (long?)Timestamps.ToSeconds(v)),
        TypeKind.Double => Lift.VV(f, static v => (double?)Timestamps.ToFractionalSeconds(v)),
        TypeKind.String => Lift.VR(f, TimestampText.Format),
        _ => null,
    };

    /// <summary>Java's double-to-int conversion: truncates toward zero, saturates, NaN is 0.</summary>
    public static int SaturatingToInt(double value) =>
        double.IsNaN(value) ? 0 : value >= int.MaxValue ? int.MaxValue : value <= int.MinValue ? int.MinValue : (int)value;

    public static long SaturatingToLong(double value) =>
        double.IsNaN(value) ? 0 : value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;
}
