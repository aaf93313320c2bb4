namespace Sluice.Spec;

/// <summary>When micro-batches run.</summary>
[Alias("sluice.TriggerKind")]
public enum TriggerKind
{
    /// <summary>The next batch starts as soon as the previous one ends and new data is there.</summary>
    Default,
    /// <summary>Batches start on a fixed interval; a late batch is followed at once by the next.</summary>
    ProcessingTime,
    /// <summary>Process everything present at start, in as many batches as limits allow, then stop.</summary>
    AvailableNow,
    /// <summary>Process everything present at start in one batch, then stop.</summary>
    Once,
    /// <summary>Batches run only when a client asks (<c>ProcessAllAvailable</c>); used by scenarios and tests with a manual clock.</summary>
    Manual,
}

/// <summary>A query's trigger. JSON: absent or <c>{}</c> (default), <c>{"processingTime": "2 seconds"}</c>,
/// <c>{"availableNow": true}</c>, <c>{"once": true}</c>, <c>{"manual": true}</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.TriggerSpec")]
public sealed record TriggerSpec([property: Id(0)] TriggerKind Kind, [property: Id(1)] TimeSpan Interval)
{
    public static readonly TriggerSpec Default = new(TriggerKind.Default, TimeSpan.Zero);
    public static readonly TriggerSpec AvailableNow = new(TriggerKind.AvailableNow, TimeSpan.Zero);
    public static readonly TriggerSpec Once = new(TriggerKind.Once, TimeSpan.Zero);
    public static readonly TriggerSpec Manual = new(TriggerKind.Manual, TimeSpan.Zero);

    public static TriggerSpec ProcessingTime(TimeSpan interval) => new(TriggerKind.ProcessingTime, interval);

    public override string ToString() => Kind == TriggerKind.ProcessingTime
        ? $"ProcessingTime({Durations.Format(Interval)})"
        : Kind.ToString();
}
