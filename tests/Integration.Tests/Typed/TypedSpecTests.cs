using Sluice.Client;
using Sluice.Client.Typed;
using Sluice.Spec;

namespace Sluice.IntegrationTests.Typed;

/// <summary>Every typed operator yields the spec its string twin does (no silo: the specs are compared as JSON).</summary>
public sealed class TypedSpecTests
{
    private static readonly SluiceClient Client = new(null!);

    private static StreamFrame<ClickEvent> Clicks() => Client.ReadStream().Kafka("events").Load<ClickEvent>();

    private static StreamFrame Untyped() => Client.ReadStream().Kafka("events").Schema<ClickEvent>().Load();

    private static void AssertSameSpec(StreamFrame expected, StreamFrame actual) =>
        Assert.Equal(SpecWriter.Write(expected.WriteStream().ToSpec("q")), SpecWriter.Write(actual.WriteStream().ToSpec("q")));

    private static string Condition<T>(StreamFrame<T> frame) => Assert.IsType<FilterSpec>(frame.Untyped.Operators[^1]).Condition;

    [Fact]
    public void Where_IsFilterWithTheSparkCondition()
    {
        AssertSameSpec(
            Untyped().Where("event_type = 'purchase' AND amount > 10.0"),
            Clicks().Where(e => e.EventType == "purchase" && e.Amount > 10).Untyped);
    }

    [Fact]
    public void Select_NamesEachColumnAfterItsProperty()
    {
        AssertSameSpec(
            Untyped().Select("user_id AS UserId", "CAST(amount * 100.0 AS bigint) AS Cents", "upper(product_id) AS Product"),
            Clicks().Select(e => new { e.UserId, Cents = (long)(e.Amount * 100), Product = e.ProductId.ToUpperInvariant() }).Untyped);
    }

    [Fact]
    public void Select_IntoARecord_UsesItsJsonNames()
    {
        AssertSameSpec(
            Untyped().Select("user_id", "1 AS events", "amount * 2.0 AS spent"),
            Clicks().Select(e => new TypedSpendPerUser.UserSpend(e.UserId, 1, e.Amount * 2)).Untyped);
    }

    [Fact]
    public void WithWatermark_IsTheColumnAndDelay()
    {
        AssertSameSpec(Untyped().WithWatermark("event_time", "30 seconds"), Clicks().WithWatermark(e => e.EventTime, TimeSpan.FromSeconds(30)).Untyped);
    }

    [Fact]
    public void GroupByAgg_IsGroupByWithWindowKeysAndNamedAggregates()
    {
        var typed = Clicks().WithWatermark(e => e.EventTime, TimeSpan.FromSeconds(30))
            .GroupBy(e => new { Window = Functions.Window(e.EventTime, TimeSpan.FromMinutes(5)), e.ProductId })
            .Agg(g => new { Revenue = g.Sum(e => e.Amount), N = g.Count(), Users = g.ApproxCountDistinct(e => e.UserId), Top = g.Max(e => e.Amount), Avg = g.Avg(e => e.Amount) });

        AssertSameSpec(
            Untyped().WithWatermark("event_time", "30 seconds").GroupBy(
                ["window(event_time, '5 minutes') AS Window", "product_id AS ProductId"],
                ["sum(amount) AS Revenue", "count(*) AS N", "approx_count_distinct(user_id) AS Users", "max(amount) AS Top", "avg(amount) AS Avg"]),
            typed.Untyped);
    }

    [Fact]
    public void GroupBy_SlidingAndSessionWindows()
    {
        AssertSameSpec(
            Untyped().GroupBy(["window(event_time, '10 minutes', '5 minutes') AS W"], ["count(amount) AS n"]),
            Clicks().GroupBy(e => new { W = Functions.Window(e.EventTime, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)) }).Agg(g => new { n = g.Count(e => e.Amount) }).Untyped);
        AssertSameSpec(
            Untyped().GroupBy(["session_window(event_time, '10 minutes') AS Session", "user_id"], ["first(amount) AS First", "last(amount) AS Last"]),
            Clicks().GroupBy(e => new { Session = Functions.SessionWindow(e.EventTime, TimeSpan.FromMinutes(10)), user_id = e.UserId })
                .Agg(g => new { First = g.First(e => e.Amount), Last = g.Last(e => e.Amount) }).Untyped);
    }

    [Fact]
    public void AfterAgg_KeysAndValuesAreColumns()
    {
        var typed = Clicks().GroupBy(e => new { Window = Functions.Window(e.EventTime, TimeSpan.FromMinutes(5)), e.ProductId })
            .Agg(g => new { Revenue = g.Sum(e => e.Amount) })
            .Where(r => r.Value.Revenue > 100 && r.Key.Window.End > new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc))
            .Select(r => new { r.Key.ProductId, Start = r.Key.Window.Start, r.Value.Revenue });

        AssertSameSpec(
            Untyped().GroupBy(["window(event_time, '5 minutes') AS Window", "product_id AS ProductId"], ["sum(amount) AS Revenue"])
                .Where("Revenue > 100.0 AND Window.end > TIMESTAMP '2026-01-01 00:00:00'")
                .Select("ProductId", "Window.start AS Start", "Revenue"),
            typed.Untyped);
    }

    [Fact]
    public void DropDuplicates_OneKeySeveralKeysAllColumnsWithinWatermark()
    {
        AssertSameSpec(Untyped().DropDuplicates("user_id"), Clicks().DropDuplicates(e => e.UserId).Untyped);
        AssertSameSpec(Untyped().DropDuplicates("user_id", "event_time"), Clicks().DropDuplicates(e => new { e.UserId, e.EventTime }).Untyped);
        AssertSameSpec(Untyped().DropDuplicates(), Clicks().DropDuplicates().Untyped);
        AssertSameSpec(
            Untyped().WithWatermark("event_time", "10 seconds").DropDuplicatesWithinWatermark("user_id"),
            Clicks().WithWatermark(e => e.EventTime, TimeSpan.FromSeconds(10)).DropDuplicatesWithinWatermark(e => e.UserId).Untyped);
    }

    [Fact]
    public void Join_IsTheConditionOverBothSidesColumns()
    {
        var impressions = Client.ReadStream().Memory("imps").Load<Impression>().WithWatermark(i => i.ImpressionTime, TimeSpan.FromSeconds(10));
        var clicks = Client.ReadStream().Memory("clicks").Load<AdClick>().WithWatermark(c => c.ClickTime, TimeSpan.FromSeconds(20));
        var typed = impressions.Join(clicks,
            (i, c) => i.AdId == c.ClickAdId && c.ClickTime >= i.ImpressionTime && c.ClickTime <= i.ImpressionTime + TimeSpan.FromMinutes(1),
            JoinType.LeftOuter)
            .Select(r => new { r.Left.AdId, Cost = r.Right.Cost ?? 0 });

        var untypedImpressions = Client.ReadStream().Memory("imps").Schema<Impression>().Load().WithWatermark("impression_time", "10 seconds");
        var untypedClicks = Client.ReadStream().Memory("clicks").Schema<AdClick>().Load().WithWatermark("click_time", "20 seconds");
        AssertSameSpec(
            untypedImpressions.Join(untypedClicks,
                "ad_id = click_ad_id AND click_time >= impression_time AND click_time <= impression_time + INTERVAL 1 minute", "leftOuter")
                .Select("ad_id AS AdId", "coalesce(cost, 0.0) AS Cost"),
            typed.Untyped);
        AssertSameSpec(
            untypedImpressions.Join(untypedClicks, "ad_id = click_ad_id AND click_time <= impression_time + INTERVAL 30 seconds", "leftSemi"),
            impressions.SemiJoin(clicks, (i, c) => i.AdId == c.ClickAdId && c.ClickTime <= i.ImpressionTime.AddSeconds(30)).Untyped);
    }

    [Fact]
    public void Union_IsTheOtherStream()
    {
        var other = Client.ReadStream().Memory("more").Load<ClickEvent>();
        AssertSameSpec(
            Untyped().Union(Client.ReadStream().Memory("more").Schema<ClickEvent>().Load()),
            Clicks().Union(other).Untyped);
    }

    [Fact]
    public void FlatMapGroupsWithState_NamesTheTypedProcessor()
    {
        AssertSameSpec(
            Untyped().WithWatermark("event_time", "1 minute").FlatMapGroupsWithState(["user_id"], "TypedSpendPerUser", timeout: "eventTime", outputMode: "append"),
            Clicks().WithWatermark(e => e.EventTime, TimeSpan.FromMinutes(1))
                .FlatMapGroupsWithState(e => e.UserId, new TypedSpendPerUser(), GroupStateTimeout.EventTime, OutputMode.Append).Untyped);
        AssertSameSpec(
            Untyped().MapGroupsWithState(["user_id"], "TypedSpendPerUser", timeout: "processingTime"),
            Clicks().MapGroupsWithState(e => e.UserId, new TypedSpendPerUser(), GroupStateTimeout.ProcessingTime).Untyped);
    }

    [Fact]
    public void TypedProcessor_DescribesItsOutputColumnsFromTheRecord()
    {
        Assert.Equal([("user_id", "string"), ("events", "bigint"), ("spent", "double")], new TypedSpendPerUser().OutputColumns);
    }

    [Fact]
    public void Expressions_CapturedValuesBecomeLiterals()
    {
        var minimum = 2.5;
        var kinds = new[] { "purchase", "refund" };
        var since = new DateTime(2026, 3, 1, 12, 30, 0, DateTimeKind.Utc);

        Assert.Equal("amount >= 2.5 AND event_type IN ('purchase', 'refund') AND event_time > TIMESTAMP '2026-03-01 12:30:00'",
            Condition(Clicks().Where(e => e.Amount >= minimum && kinds.Contains(e.EventType) && e.EventTime > since)));
    }

    [Fact]
    public void Expressions_PrecedenceKeepsOnlyNeededParentheses()
    {
        Assert.Equal("(event_type = 'a' OR event_type = 'b') AND NOT amount - (amount - 1.0) > 0.0",
            Condition(Clicks().Where(e => (e.EventType == "a" || e.EventType == "b") && !(e.Amount - (e.Amount - 1) > 0))));
    }

    [Fact]
    public void Expressions_StringsNullsMathAndConditionals()
    {
        Assert.Equal("user_id LIKE 'u\\_1%' AND lower(product_id) LIKE '%x' AND product_id IS NOT NULL AND length(user_id) = 3",
            Condition(Clicks().Where(e => e.UserId.StartsWith("u_1") && e.ProductId.ToLower().EndsWith("x") && e.ProductId != null && e.UserId.Length == 3)));
        Assert.Equal("abs(amount) > 1.0 AND CASE WHEN amount > 5.0 THEN 'big' ELSE 'small' END = 'big' AND substring(user_id, 2, 3) = 'abc'",
            Condition(Clicks().Where(e => Math.Abs(e.Amount) > 1 && (e.Amount > 5 ? "big" : "small") == "big" && e.UserId.Substring(1, 3) == "abc")));
        Assert.Equal("concat(user_id, '-', product_id) = 'it\\'s' AND hour(event_time) = 3 AND amount % 2.0 = 0.0",
            Condition(Clicks().Where(e => e.UserId + "-" + e.ProductId == "it's" && e.EventTime.Hour == 3 && e.Amount % 2 == 0)));
        Assert.Equal("round(amount, 2) > 1.0 AND (approx) > 0",
            Condition(Clicks().Where(e => Math.Round(e.Amount, 2, MidpointRounding.AwayFromZero) > 1 && Functions.Expr<int>("approx") > 0)));
    }

    [Fact]
    public void Untranslatable_ThrowsNamingTheConstruct()
    {
        var method = Assert.Throws<NotSupportedException>(() => Clicks().Where(e => e.UserId.PadLeft(5) == "x"));
        Assert.Contains("String.PadLeft", method.Message, StringComparison.Ordinal);
        Assert.Contains("Functions.Expr", method.Message, StringComparison.Ordinal);

        var division = Assert.Throws<NotSupportedException>(() => Clicks().Where(e => e.UserId.Length / 2 == 1));
        Assert.Contains("divides integers", division.Message, StringComparison.Ordinal);

        var round = Assert.Throws<NotSupportedException>(() => Clicks().Where(e => Math.Round(e.Amount) > 1));
        Assert.Contains("MidpointRounding.AwayFromZero", round.Message, StringComparison.Ordinal);

        var scalar = Assert.Throws<NotSupportedException>(() => Clicks().Select(e => e.UserId));
        Assert.Contains("new { e.UserId", scalar.Message, StringComparison.Ordinal);

        var watermark = Assert.Throws<NotSupportedException>(() => Clicks().WithWatermark(e => e.EventTime.AddSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.Contains("property of the row", watermark.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyedRows_ReadFromOneFlatRow()
    {
        var row = System.Text.Json.JsonSerializer.Deserialize<Keyed<WindowKey, Totals>>(
            """{"Window": {"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:05:00Z"}, "ProductId": "p1", "Revenue": 12.5, "N": 2}""",
            new System.Text.Json.JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

        Assert.Equal(new WindowKey(new TimeWindow(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc)), "p1"), row.Key);
        Assert.Equal(new Totals(12.5, 2), row.Value);
    }

    public sealed record WindowKey(TimeWindow Window, string ProductId);

    public sealed record Totals(double Revenue, long N);
}
