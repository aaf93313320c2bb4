using Sluice.Data;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Spark's time windows: a timestamp t belongs to the tumbling window starting at
/// <c>t - ((t - offset) mod size)</c> (a non-negative modulo, so times before the epoch work too), ending at start + size.
/// </summary>
internal static class TimeWindows
{
    /// <summary>The <c>{start, end}</c> struct of <see cref="DataType.Window"/>; null when it would leave DateTime's range.</summary>
    public static StructValue? Tumbling(DateTime time, long sizeTicks, long offsetTicks)
    {
        var start = Timestamps.FromTicks((Int128)time.Ticks - Timestamps.FloorMod(Timestamps.UnixTicks(time) - offsetTicks, sizeTicks));
        var end = start is { } s ? Timestamps.FromTicks((Int128)s.Ticks + sizeTicks) : null;
        return start is { } windowStart && end is { } windowEnd ? new StructValue([windowStart, windowEnd]) : null;
    }

    /// <summary>One microsecond: Spark's timestamps count microseconds, and a window's event time is its end minus one.</summary>
    public const long MicrosecondTicks = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary><c>window_time(window)</c>: the latest instant inside the window (<c>end - 1 µs</c>), as Spark gives it.</summary>
    public static DateTime? EventTime(StructValue window) =>
        window.Values[1] is DateTime end ? new DateTime(end.Ticks - MicrosecondTicks, DateTimeKind.Utc) : null;
}
