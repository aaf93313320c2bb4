using System.Globalization;
using System.Text;

namespace Sluice.Silo.Demo;

/// <summary>Click events as JSON: <c>event_id</c>, <c>user_id</c>, <c>product_id</c>, <c>event_type</c>, <c>amount</c>, <c>event_time</c>.</summary>
public static class ClickEvents
{
    public const string Topic = "events";

    /// <summary>The schema the demo queries read the events with.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Schema =
    [
        new("event_id", "string"),
        new("user_id", "string"),
        new("product_id", "string"),
        new("event_type", "string"),
        new("amount", "double"),
        new("event_time", "timestamp"),
    ];

    private static readonly string[] Types = ["view", "view", "view", "click", "click", "add_to_cart", "purchase"];

    /// <summary>An event drawn from <paramref name="random"/> (same seed, same events); <paramref name="id"/> becomes <c>event_id</c>.</summary>
    public static string Json(Random random, long id, DateTimeOffset time, int users, int products)
    {
        var type = Types[random.Next(Types.Length)];
        var amount = type == "purchase" ? Math.Round(1 + (random.NextDouble() * 199), 2) : 0;
        var text = new StringBuilder(160);
        text.Append(CultureInfo.InvariantCulture, $"{{\"event_id\":\"e{id}\",\"user_id\":\"u{random.Next(users)}\",\"product_id\":\"p{random.Next(products)}\",");
        text.Append(CultureInfo.InvariantCulture, $"\"event_type\":\"{type}\",\"amount\":{amount.ToString(CultureInfo.InvariantCulture)},");
        text.Append(CultureInfo.InvariantCulture, $"\"event_time\":\"{time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\"}}");
        return text.ToString();
    }
}
