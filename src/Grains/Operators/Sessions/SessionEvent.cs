using Sluice.Processing.BuiltIn;

namespace Sluice.Operators.Sessions;

/// <summary>
/// One input row of the built-in sessionizer: its event time (ticks), the amount it adds and its event id (null: the
/// input has no <c>event_id</c>, the id is the event's epoch milliseconds).
/// </summary>
internal readonly record struct SessionEvent(long Ticks, double Amount, string? EventId)
{
    public void AddTo(Sessionizer.Session session)
    {
        var ms = Sessionizer.MsOf(new DateTime(Ticks));
        Sessionizer.Add(session, ms, Amount, EventId is null ? ms.ToString(System.Globalization.CultureInfo.InvariantCulture) : AsStored(EventId));
    }

    /// <summary>
    /// The id as the general path reads it back from the stored JSON, which is what it emits: a held session is never
    /// read back, so an id that JSON does not carry exactly (a lone surrogate becomes U+FFFD) is made what it would read.
    /// </summary>
    private static string AsStored(string id) =>
        id.AsSpan().IndexOfAnyInRange('\ud800', '\udfff') < 0 ? id : System.Text.Json.JsonSerializer.Deserialize<string>(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(id))!;
}
