namespace Sluice.Processing;

/// <summary>
/// Spark's <c>GroupState</c>: the state of one key in <c>flatMapGroupsWithState</c>/<c>mapGroupsWithState</c>.
/// At most one value per key. A call clears the key's timeout unless it sets a new one.
/// </summary>
public sealed class GroupState<TState>
{
    private readonly string _timeoutKind;
    private TState? _value;

    internal GroupState(bool exists, TState? value, bool hasTimedOut, string timeoutKind, long batchTimestampMs, long? watermarkMs)
    {
        Exists = exists;
        _value = value;
        HasTimedOut = hasTimedOut;
        _timeoutKind = timeoutKind;
        CurrentProcessingTimeMs = batchTimestampMs;
        CurrentWatermarkMs = watermarkMs;
    }

    /// <summary>Whether the key has state.</summary>
    public bool Exists { get; private set; }

    /// <summary>True when this call is the key's timeout firing (no rows).</summary>
    public bool HasTimedOut { get; }

    internal long CurrentProcessingTimeMs { get; }

    /// <summary>The batch's watermark; null without a watermark (an event-time timeout always has one).</summary>
    internal long? CurrentWatermarkMs { get; }

    internal bool Updated { get; private set; }

    internal bool Removed { get; private set; }

    /// <summary>The timeout set during this call, in epoch milliseconds; null when none was set.</summary>
    internal long? TimeoutMs { get; private set; }

    /// <summary>The state; throws when there is none (Spark's <c>get</c>).</summary>
    public TState Get() => Exists ? _value! : throw new InvalidOperationException("State is either not defined or has already been removed");

    /// <summary>The state, if any (Spark's <c>getOption</c>).</summary>
    public bool TryGet(out TState value)
    {
        value = _value!;
        return Exists;
    }

    /// <summary>Replaces the state.</summary>
    public void Update(TState value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
        Exists = true;
        Updated = true;
        Removed = false;
    }

    /// <summary>
    /// Removes the state. A timeout set in this call stays, as in Spark: the key then keeps no value but its timeout,
    /// and is called with <see cref="HasTimedOut"/> (and no state) when it passes.
    /// </summary>
    public void Remove()
    {
        _value = default;
        Exists = false;
        Removed = true;
        Updated = false;
    }

    /// <summary>Times the key out <paramref name="duration"/> after this batch's timestamp (processing-time timeout only).</summary>
    public void SetTimeoutDuration(TimeSpan duration)
    {
        if (_timeoutKind != "processingTime")
        {
            throw new InvalidOperationException($"Cannot set timeout duration without enabling processing time timeout in [map|flatMap]GroupsWithState (timeout is '{_timeoutKind}')");
        }
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "Timeout duration must be positive");
        }
        TimeoutMs = CurrentProcessingTimeMs + (long)duration.TotalMilliseconds;
    }

    /// <summary>Times the key out when the watermark passes <paramref name="timestampMs"/> (event-time timeout only).</summary>
    public void SetTimeoutTimestamp(long timestampMs)
    {
        if (_timeoutKind != "eventTime")
        {
            throw new InvalidOperationException($"Cannot set timeout timestamp without enabling event time timeout in [map|flatMap]GroupsWithState (timeout is '{_timeoutKind}')");
        }
        if (timestampMs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timestampMs), $"Timeout timestamp must be positive (got {timestampMs}): give it in epoch milliseconds");
        }
        if (timestampMs < CurrentWatermarkMs)
        {
            throw new ArgumentOutOfRangeException(nameof(timestampMs), $"Timeout timestamp ({timestampMs}) cannot be earlier than the current watermark ({CurrentWatermarkMs})");
        }
        TimeoutMs = timestampMs;
    }

    /// <summary>
    /// The watermark of the batch, in epoch milliseconds. Throws, as Spark's <c>getCurrentWatermarkMs</c>, when the
    /// query defines no watermark before the operator.
    /// </summary>
    public long GetCurrentWatermarkMs() => CurrentWatermarkMs ?? throw new InvalidOperationException(
        "Cannot get event time watermark timestamp without setting watermark before [map|flatMap]GroupsWithState: add withWatermark on the event-time column before it");

    /// <summary>The batch's timestamp (processing time), in epoch milliseconds.</summary>
    public long GetCurrentProcessingTimeMs() => CurrentProcessingTimeMs;
}
