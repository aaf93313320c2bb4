namespace Sluice.Processing;

/// <summary>
/// A <see cref="GroupState{TState}"/> for unit tests of processors, as Spark's <c>TestGroupState</c>: call a processor's
/// <c>Process</c> with it and check the output and <see cref="GroupState{TState}.Exists"/>/<see cref="GroupState{TState}.Get"/>.
/// </summary>
public static class TestGroupState
{
    /// <summary>A key with no state yet; <paramref name="watermarkMs"/> null: a query without a watermark.</summary>
    public static GroupState<TState> Empty<TState>(string timeout = "eventTime", long batchTimestampMs = 0, long? watermarkMs = 0) =>
        new(false, default, false, timeout, batchTimestampMs, watermarkMs);

    /// <summary>A key whose state is <paramref name="value"/>; with <paramref name="hasTimedOut"/>, the call is its timeout firing.</summary>
    public static GroupState<TState> Create<TState>(TState value, bool hasTimedOut = false, string timeout = "eventTime", long batchTimestampMs = 0, long? watermarkMs = 0) =>
        new(true, value, hasTimedOut, timeout, batchTimestampMs, watermarkMs);
}
