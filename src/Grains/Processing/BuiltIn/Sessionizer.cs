using Sluice.Processing;

namespace Sluice.Processing.BuiltIn;

/// <summary>
/// The seed's sessionizer: per user, a session closes after 10 minutes (event time) without events and emits
/// <c>user_id, session_start, session_end, event_ids, total_amount</c>. Input columns: <c>event_time</c>,
/// <c>amount</c> and, if present, <c>event_id</c>. Use with <c>timeout: eventTime</c> and a watermark.
/// </summary>
public sealed class Sessionizer : StatefulProcessor<Sessionizer.Session>
{
    public static readonly TimeSpan Gap = TimeSpan.FromMinutes(10);

    public override string Name => "Sessionizer";

    public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } =
        [("user_id", "string"), ("session_start", "timestamp"), ("session_end", "timestamp"), ("event_ids", "string"), ("total_amount", "double")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<Session> state)
    {
        if (state.HasTimedOut)
        {
            var ended = state.Get();
            state.Remove();
            yield return Emit(key, ended);
            yield break;
        }
        var session = state.TryGet(out var s) ? s : new Session();
        foreach (var row in rows.OrderBy(r => r.Get<DateTime>("event_time")))
        {
            var ms = MsOf(row.Get<DateTime>("event_time"));
            Add(session, ms, row["amount"] is double amount ? amount : 0, row.Schema.IndexOf("event_id") >= 0 ? row["event_id"]?.ToString() ?? "" : ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        state.Update(session);
        state.SetTimeoutTimestamp(TimeoutOf(session, state.GetCurrentWatermarkMs()));
    }

    // The operator's typed path (SessionizerBatch, HeldSession) times out and emits sessions through these same methods
    // and mirrors Add on its own session type (its event ids kept as their JSON); the equivalence tests hold the two alike.

    /// <summary>An event time in epoch milliseconds, as the processor has always computed it (through a double).</summary>
    internal static long MsOf(DateTime eventTime) => (long)(eventTime - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>Adds one event (rows of a call are added in event-time order, ties in arrival order).</summary>
    internal static void Add(Session session, long ms, double amount, string eventId)
    {
        session.StartMs = session.EventIds.Count == 0 ? ms : Math.Min(session.StartMs, ms);
        session.LastMs = Math.Max(session.LastMs, ms);
        session.TotalAmount += amount;
        session.EventIds.Add(eventId);
    }

    /// <summary>The session's timeout after a call with rows: a gap after its last event, never behind the watermark.</summary>
    internal static long TimeoutOf(Session session, long watermarkMs) => TimeoutOf(session.LastMs, watermarkMs);

    internal static long TimeoutOf(long lastMs, long watermarkMs) => Math.Max(lastMs + (long)Gap.TotalMilliseconds, watermarkMs);

    internal static object?[] Emit(object?[] key, Session s) => Emit(key, s.StartMs, s.LastMs, string.Join(",", s.EventIds), s.TotalAmount);

    /// <summary>The row of a session whose event ids are already joined by commas.</summary>
    internal static object?[] Emit(object?[] key, long startMs, long lastMs, string eventIds, double totalAmount) =>
        [key[0]?.ToString(), DateTime.UnixEpoch.AddMilliseconds(startMs), DateTime.UnixEpoch.AddMilliseconds(lastMs + (long)Gap.TotalMilliseconds),
         eventIds, totalAmount];

    /// <summary>A user's open session.</summary>
    public sealed class Session
    {
        public long StartMs { get; set; }
        public long LastMs { get; set; }
        public double TotalAmount { get; set; }
        public List<string> EventIds { get; set; } = [];
    }
}
