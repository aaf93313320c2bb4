using Sluice.Data;
using Sluice.Expressions.Evaluation;
using TypeKind = Sluice.Data.DataTypeKind;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// The value conversions of <c>Evaluation.Casts</c> on the vectors' storage (timestamps as UTC ticks), each calling the
/// same helper the row cast calls, so the two agree by construction. Null: no kernel (the cast runs row at a time).
/// </summary>
internal static class CastConversions
{
    private static readonly Conversion<long, long> Identity = static (long v, out long r) => { r = v; return true; };
    private static readonly Conversion<long, long> LongToInt = static (long v, out long r) => { r = unchecked((int)v); return true; };
    private static readonly Conversion<long, long> SecondsToTimestamp = static (long v, out long r) => Ticks(Timestamps.FromSeconds(v), out r);
    private static readonly Conversion<long, long> TimestampToLong = static (long v, out long r) => { r = Timestamps.ToSeconds(Time(v)); return true; };
    private static readonly Conversion<long, long> TimestampToInt = static (long v, out long r) => { r = unchecked((int)Timestamps.ToSeconds(Time(v))); return true; };
    private static readonly Conversion<long, double> LongToDouble = static (long v, out double r) => { r = v; return true; };
    private static readonly Conversion<long, double> TimestampToDouble = static (long v, out double r) => { r = Timestamps.ToFractionalSeconds(Time(v)); return true; };
    private static readonly Conversion<long, bool> LongToBoolean = static (long v, out bool r) => { r = v != 0; return true; };
    private static readonly Conversion<double, long> DoubleToInt = static (double v, out long r) => { r = Casts.SaturatingToInt(v); return true; };
    private static readonly Conversion<double, long> DoubleToLong = static (double v, out long r) => { r = Casts.SaturatingToLong(v); return true; };
    private static readonly Conversion<double, long> DoubleToTimestamp = static (double v, out long r) => Ticks(Timestamps.FromSeconds(v), out r);
    private static readonly Conversion<double, bool> DoubleToBoolean = static (double v, out bool r) => { r = v != 0; return true; };
    private static readonly Conversion<bool, long> BooleanToLong = static (bool v, out long r) => { r = v ? 1 : 0; return true; };
    private static readonly Conversion<bool, double> BooleanToDouble = static (bool v, out double r) => { r = v ? 1.0 : 0.0; return true; };
    private static readonly Conversion<string, long> StringToInt = static (string v, out long r) => Value(StringConversions.ToInt(v), out r);
    private static readonly Conversion<string, long> StringToLong = static (string v, out long r) => Value(StringConversions.ToLong(v), out r);
    private static readonly Conversion<string, long> StringToTimestamp = static (string v, out long r) =>
    {
        var ok = TimestampText.TryParse(v, out var t);
        r = t.Ticks;
        return ok;
    };
    private static readonly Conversion<string, double> StringToDouble = static (string v, out double r) => Value(StringConversions.ToDouble(v), out r);
    private static readonly Conversion<string, bool> StringToBoolean = static (string v, out bool r) => Value(StringConversions.ToBoolean(v), out r);

    public static Conversion<long, long>? LongToLongOf(TypeKind from, TypeKind to) => (from, to) switch
    {
        (TypeKind.Int, TypeKind.Long) => Identity,
        (TypeKind.Long, TypeKind.Int) => LongToInt,
        (TypeKind.Int or TypeKind.Long, TypeKind.Timestamp) => SecondsToTimestamp,
        (TypeKind.Timestamp, TypeKind.Long) => TimestampToLong,
        (TypeKind.Timestamp, TypeKind.Int) => TimestampToInt,
        _ => null,
    };

    public static Conversion<long, double>? LongToDoubleOf(TypeKind from) => from switch
    {
        TypeKind.Int or TypeKind.Long => LongToDouble,
        TypeKind.Timestamp => TimestampToDouble,
        _ => null,
    };

    public static Conversion<long, bool>? LongToBooleanOf(TypeKind from) => from is TypeKind.Int or TypeKind.Long ? LongToBoolean : null;

    public static Conversion<double, long>? DoubleToLongOf(TypeKind to) => to switch
    {
        TypeKind.Int => DoubleToInt,
        TypeKind.Long => DoubleToLong,
        TypeKind.Timestamp => DoubleToTimestamp,
        _ => null,
    };

    public static Conversion<double, bool> DoubleToBooleanOf() => DoubleToBoolean;

    public static Conversion<bool, long>? BooleanToLongOf(TypeKind to) => to is TypeKind.Int or TypeKind.Long ? BooleanToLong : null;

    public static Conversion<bool, double> BooleanToDoubleOf() => BooleanToDouble;

    public static Conversion<string, long>? StringToLongOf(TypeKind to) => to switch
    {
        TypeKind.Int => StringToInt,
        TypeKind.Long => StringToLong,
        TypeKind.Timestamp => StringToTimestamp,
        _ => null,
    };

    public static Conversion<string, double> StringToDoubleOf() => StringToDouble;

    public static Conversion<string, bool> StringToBooleanOf() => StringToBoolean;

    public static DateTime Time(long ticks) => new(ticks, DateTimeKind.Utc);

    private static bool Ticks(DateTime? value, out long ticks)
    {
        ticks = value.GetValueOrDefault().Ticks;
        return value.HasValue;
    }

    private static bool Value(int? value, out long result)
    {
        result = value.GetValueOrDefault();
        return value.HasValue;
    }

    private static bool Value<T>(T? value, out T result) where T : struct
    {
        result = value.GetValueOrDefault();
        return value.HasValue;
    }
}
