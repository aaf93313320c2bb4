namespace Sluice.Operators.Sessions;

/// <summary>
/// One input row of the built-in sessionizer as the agent routes it: its event time (ticks), the amount it adds and its
/// event id (null: the input has no <c>event_id</c>, the id is the event's epoch milliseconds).
/// </summary>
internal readonly record struct SessionEvent(long Ticks, double Amount, string? EventId);

/// <summary>A row read from a <see cref="SessionPayload"/>: its event id is a slice of the payload, so no string is made.</summary>
internal readonly ref struct PayloadEvent(long ticks, double amount, ReadOnlySpan<char> eventId, bool hasEventId)
{
    public long Ticks { get; } = ticks;

    public double Amount { get; } = amount;

    public ReadOnlySpan<char> EventId { get; } = eventId;

    /// <summary>Whether the row has an event id (false: the id is the event's epoch milliseconds).</summary>
    public bool HasEventId { get; } = hasEventId;
}
