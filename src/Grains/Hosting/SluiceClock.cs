namespace Sluice.Hosting;

/// <summary>
/// The engine's clock: batch timestamps, triggers and processing-time timeouts read it. It is its own
/// service type so a manual clock (scenarios, tests) drives the engine without freezing Orleans' own timers.
/// </summary>
public sealed class SluiceClock(TimeProvider inner) : TimeProvider
{
    public static readonly SluiceClock Default = new(TimeProvider.System);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
