namespace Sluice.Operators;

/// <summary>Event-time values as epoch milliseconds, the unit watermarks are kept in.</summary>
internal static class EventTimes
{
    public static long ToMs(DateTime time) => (time.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// The event time a value of a watermarked column stands for: a timestamp itself, or the end of a window struct
    /// (a window column derived from the watermarked one carries its watermark, as Spark's WatermarkSupport evicts by
    /// <c>window.end</c>); null for anything else.
    /// </summary>
    public static long? ToMs(object? value) => value switch
    {
        DateTime time => ToMs(time),
        Data.StructValue { Values: [_, DateTime end] } => ToMs(end),
        _ => null,
    };

    public static DateTime FromMs(long ms) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(ms * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    /// <summary>Whether an event time is at or behind a watermark, to the microsecond as Spark compares them (a window's event time is its end minus 1 µs).</summary>
    public static bool AtOrBefore(DateTime time, long watermarkMs) =>
        watermarkMs == long.MaxValue || time.Ticks - DateTime.UnixEpoch.Ticks <= watermarkMs * TimeSpan.TicksPerMillisecond;
}
