using Sluice.Data;
using Sluice.Processing.BuiltIn;

namespace Sluice.Operators.Sessions;

/// <summary>
/// Where the built-in <see cref="Sessionizer"/> finds what it reads in its input rows (<c>event_time</c>, <c>amount</c>
/// and, if present, <c>event_id</c>), decided once per plan. Only an input on which the processor cannot fail for the
/// plan's sake gets the typed path (an <c>event_time</c> of type timestamp and an <c>amount</c> column); any other runs
/// on the general path, which fails as it always has.
/// </summary>
internal sealed class SessionizerInput
{
    private SessionizerInput(int eventTime, int amount, bool amountIsDouble, int eventId)
    {
        (EventTime, Amount, AmountIsDouble, EventId) = (eventTime, amount, amountIsDouble, eventId);
    }

    public int EventTime { get; }

    public int Amount { get; }

    /// <summary>Whether <c>amount</c> is a double column: the processor adds only double values (others count as 0).</summary>
    public bool AmountIsDouble { get; }

    /// <summary>The <c>event_id</c> column (-1: none; the processor then names an event by its epoch milliseconds).</summary>
    public int EventId { get; }

    public static SessionizerInput? TryCreate(StreamSchema input)
    {
        var eventTime = input.IndexOf("event_time");
        var amount = input.IndexOf("amount");
        if (eventTime < 0 || amount < 0 || input[eventTime].Type.Kind != DataTypeKind.Timestamp)
        {
            return null;
        }
        return new SessionizerInput(eventTime, amount, input[amount].Type.Kind == DataTypeKind.Double, input.IndexOf("event_id"));
    }

    /// <summary>One input row as the processor reads it; the same cast as the processor's, so a null event time fails alike.</summary>
    public SessionEvent EventOf(object?[] row) =>
        new(((DateTime)row[EventTime]!).Ticks, row[Amount] is double amount ? amount : 0, EventId < 0 ? null : row[EventId]?.ToString() ?? "");
}
