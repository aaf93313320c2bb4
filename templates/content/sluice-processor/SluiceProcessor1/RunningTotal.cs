using System.Text.Json.Serialization;
using Sluice.Processing;

namespace SluiceProcessor1;

/// <summary>A purchase as the query's rows carry it: the properties are matched to columns by their JSON names.</summary>
public sealed record Purchase(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("amount")] double Amount,
    [property: JsonPropertyName("event_time")] DateTime EventTime);

/// <summary>
/// Per user, the running count and total of purchases, emitted each batch the user bought something. State lives
/// in the silo (per key, saved with every batch's checkpoint); a user with no purchase for an hour of event time is
/// forgotten. Use it with a watermark and <c>GroupStateTimeout.EventTime</c>:
/// <code>
/// clicks.WithWatermark(e =&gt; e.EventTime, TimeSpan.FromSeconds(30))
///       .FlatMapGroupsWithState(e =&gt; e.UserId, new RunningTotal(), GroupStateTimeout.EventTime)
/// </code>
/// The silo finds it by <see cref="Name"/> once its assembly is loaded (reference this project from the silo).
/// </summary>
public sealed class RunningTotal : StatefulProcessor<string, Purchase, RunningTotal.Total, RunningTotal.UserTotal>
{
    public static readonly TimeSpan Idle = TimeSpan.FromHours(1);

    public override string Name => "RunningTotal";

    public override IEnumerable<UserTotal> Process(string userId, IReadOnlyList<Purchase> rows, GroupState<Total> state)
    {
        if (state.HasTimedOut)
        {
            state.Remove();
            yield break;
        }
        var total = state.TryGet(out var t) ? t : new Total(0, 0, 0);
        var latest = rows.Max(r => r.EventTime);
        total = new Total(total.Purchases + rows.Count, total.Amount + rows.Sum(r => r.Amount), Math.Max(total.LastMs, Millis(latest)));
        state.Update(total);
        state.SetTimeoutTimestamp(Math.Max(total.LastMs + (long)Idle.TotalMilliseconds, state.GetCurrentWatermarkMs()));
        yield return new UserTotal(userId, total.Purchases, total.Amount);
    }

    private static long Millis(DateTime time) => (long)(time - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>What the silo keeps per user (stored as JSON; bump StateVersion when its shape changes).</summary>
    public sealed record Total(long Purchases, double Amount, long LastMs);

    /// <summary>One output row: its properties are the output columns.</summary>
    public sealed record UserTotal(
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("purchases")] long Purchases,
        [property: JsonPropertyName("amount")] double Amount);
}
