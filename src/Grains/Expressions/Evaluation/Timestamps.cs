namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Timestamp arithmetic that never throws: a result outside <see cref="DateTime"/>'s range is null, where Spark
/// would overflow its microsecond counter. Values are UTC.
/// </summary>
internal static class Timestamps
{
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    public static DateTime? FromTicks(Int128 ticks) =>
        ticks >= 0 && ticks <= DateTime.MaxValue.Ticks ? new DateTime((long)ticks, DateTimeKind.Utc) : null;

    public static DateTime? FromUnixTicks(Int128 unixTicks) => FromTicks(unixTicks + EpochTicks);

    public static DateTime? FromSeconds(long seconds) => FromUnixTicks((Int128)seconds * TimeSpan.TicksPerSecond);

    public static DateTime? FromMillis(long millis) => FromUnixTicks((Int128)millis * TimeSpan.TicksPerMillisecond);

    /// <summary>As Spark: fractional seconds keep microseconds; NaN and infinities are null.</summary>
    public static DateTime? FromSeconds(double seconds)
    {
        var micros = seconds * 1e6;
        return double.IsFinite(micros) && Math.Abs(micros) < 1e18 ? FromUnixTicks((Int128)(long)micros * 10) : null;
    }

    public static DateTime? Add(DateTime value, TimeSpan interval) => FromTicks((Int128)value.Ticks + interval.Ticks);

    public static long UnixTicks(DateTime value) => value.Ticks - EpochTicks;

    /// <summary>Whole seconds since the epoch, rounded down (Spark's timestamp-to-bigint cast).</summary>
    public static long ToSeconds(DateTime value) => FloorDiv(UnixTicks(value), TimeSpan.TicksPerSecond);

    public static long ToMillis(DateTime value) => FloorDiv(UnixTicks(value), TimeSpan.TicksPerMillisecond);

    public static long ToMicros(DateTime value) => FloorDiv(UnixTicks(value), TimeSpan.TicksPerMicrosecond);

    public static double ToFractionalSeconds(DateTime value) => UnixTicks(value) / (double)TimeSpan.TicksPerSecond;

    public static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return value % divisor != 0 && (value < 0) != (divisor < 0) ? quotient - 1 : quotient;
    }

    /// <summary>The non-negative remainder, as Java's <c>Math.floorMod</c>.</summary>
    public static long FloorMod(long value, long divisor) => value - FloorDiv(value, divisor) * divisor;
}
