namespace Sluice.Operators;

/// <summary>Event-time values as epoch milliseconds, the unit watermarks are kept in.</summary>
internal static class EventTimes
{
    public static long ToMs(DateTime time) => (time.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public static DateTime FromMs(long ms) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(ms * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
