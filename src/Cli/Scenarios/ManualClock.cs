namespace Sluice.Cli.Scenarios;

/// <summary>
/// The scenarios' processing-time clock: it starts at 0 ms (1970-01-01T00:00:00Z), moves only when a step says so,
/// and goes back to 0 for the next scenario. Scenario queries use the manual trigger, so nothing waits on it.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UnixEpoch.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _ticks, DateTimeOffset.UnixEpoch.UtcTicks);
}
