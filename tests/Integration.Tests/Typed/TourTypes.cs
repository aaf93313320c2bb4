using System.Text.Json.Serialization;
using Sluice.Processing;

namespace Sluice.IntegrationTests.Typed;

/// <summary>The README tour's click event.</summary>
public sealed record ClickEvent(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("product_id")] string ProductId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("amount")] double Amount,
    [property: JsonPropertyName("event_time")] DateTime EventTime);

public sealed record Impression(
    [property: JsonPropertyName("ad_id")] string AdId,
    [property: JsonPropertyName("impression_time")] DateTime ImpressionTime);

public sealed record AdClick(
    [property: JsonPropertyName("click_ad_id")] string ClickAdId,
    [property: JsonPropertyName("click_time")] DateTime ClickTime,
    [property: JsonPropertyName("cost")] double? Cost);

/// <summary>Per user: how many events and how much spent so far (a typed processor, as a user would write one).</summary>
public sealed class TypedSpendPerUser : StatefulProcessor<string, ClickEvent, TypedSpendPerUser.Spend, TypedSpendPerUser.UserSpend>
{
    public override string Name => "TypedSpendPerUser";

    public override IEnumerable<UserSpend> Process(string key, IReadOnlyList<ClickEvent> rows, GroupState<Spend> state)
    {
        var spend = state.TryGet(out var s) ? s : new Spend(0, 0);
        spend = new Spend(spend.Events + rows.Count, spend.Amount + rows.Sum(r => r.Amount));
        state.Update(spend);
        yield return new UserSpend(key, spend.Events, spend.Amount);
    }

    public sealed record Spend(long Events, double Amount);

    public sealed record UserSpend(
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("events")] long Events,
        [property: JsonPropertyName("spent")] double Spent);
}
