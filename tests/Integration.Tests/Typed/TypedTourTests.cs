using Sluice.Client;
using Sluice.Client.Typed;
using Sluice.Spec;

namespace Sluice.IntegrationTests.Typed;

/// <summary>The README's tour in typed form, on the in-process silo and its embedded Kafka: filter and projection,
/// a windowed aggregation with a watermark in append mode, and a typed processor; results read back typed.</summary>
[Collection(SiloCollection.Name)]
public sealed class TypedTourTests(SiloFixture silo)
{
    private static readonly (string User, string Product, string Type, double Amount, string Time)[] Events =
    [
        ("u1", "p1", "purchase", 20.0, "00:00:10"),
        ("u2", "p1", "view", 5.0, "00:01:00"),
        ("u1", "p2", "purchase", 15.5, "00:02:00"),
        ("u2", "p2", "purchase", 8.0, "00:03:00"),
        ("u2", "p1", "purchase", 30.0, "00:06:00"),
        ("u1", "p1", "purchase", 12.0, "00:20:00"), // moves the watermark past the first two windows
    ];

    private static DateTime At(string time) => DateTime.Parse($"2026-01-01T{time}Z", System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    private async Task<string> ProduceAsync()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceAsync(topic, Events.Select((e, i) => (i % 4,
            $$"""{"user_id": "{{e.User}}", "product_id": "{{e.Product}}", "event_type": "{{e.Type}}", "amount": {{e.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "event_time": "2026-01-01T{{e.Time}}Z"}""")));
        return topic;
    }

    private static string Name() => "typed" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task ReadmeTour_InTypedForm_RunsEndToEnd()
    {
        var topic = await ProduceAsync();
        var sluice = silo.Client;
        StreamFrame<ClickEvent> Events() => sluice.ReadStream().Kafka(topic).StartingOffsets("earliest").Load<ClickEvent>();

        var purchases = Events()
            .Where(e => e.EventType == "purchase" && e.Amount > 10)
            .Select(e => new { e.UserId, Product = e.ProductId.ToUpperInvariant(), Cents = (long)(e.Amount * 100) });
        var revenue = Events()
            .WithWatermark(e => e.EventTime, TimeSpan.FromSeconds(30))
            .GroupBy(e => new { Window = Functions.Window(e.EventTime, TimeSpan.FromMinutes(5)), e.ProductId })
            .Agg(g => new { Revenue = g.Sum(e => e.Amount), N = g.Count() });
        var spend = Events().FlatMapGroupsWithState(e => e.UserId, new TypedSpendPerUser());

        var (purchasesName, revenueName, spendName) = (Name(), Name(), Name());
        var queries = new[]
        {
            await purchases.WriteStream().Format("memory").Trigger(Trigger.AvailableNow()).StartAsync(purchasesName),
            await revenue.WriteStream().OutputMode("append").Trigger(Trigger.AvailableNow()).StartAsync(revenueName),
            await spend.WriteStream().OutputMode("update").Trigger(Trigger.AvailableNow()).StartAsync(spendName),
        };
        foreach (var query in queries)
        {
            await query.AwaitTerminationAsync();
        }

        Assert.Equal(
            [new { UserId = "u1", Product = "P1", Cents = 1200L }, new { UserId = "u1", Product = "P1", Cents = 2000L },
             new { UserId = "u1", Product = "P2", Cents = 1550L }, new { UserId = "u2", Product = "P1", Cents = 3000L }],
            (await purchases.ReadMemorySinkAsync(purchasesName)).OrderBy(r => r.UserId).ThenBy(r => r.Product).ThenBy(r => r.Cents));

        var windows = (await revenue.ReadMemorySinkAsync(revenueName)).OrderBy(r => r.Key.Window.Start).ThenBy(r => r.Key.ProductId).ToList();
        Assert.Equal(
            [(At("00:00:00"), At("00:05:00"), "p1", 25.0, 2L), (At("00:00:00"), At("00:05:00"), "p2", 23.5, 2L), (At("00:05:00"), At("00:10:00"), "p1", 30.0, 1L)],
            windows.Select(r => (r.Key.Window.Start, r.Key.Window.End, r.Key.ProductId, r.Value.Revenue, r.Value.N)));

        Assert.Equal(
            [new TypedSpendPerUser.UserSpend("u1", 3, 47.5), new TypedSpendPerUser.UserSpend("u2", 3, 43.0)],
            (await spend.ReadMemorySinkAsync(spendName)).OrderBy(r => r.UserId));
    }
}
