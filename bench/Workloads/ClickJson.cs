using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>Click events as the JSON the Kafka topics hold, and the bare parse of it back (the limit's parser).</summary>
internal static class ClickJson
{
    private static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText UserId = JsonEncodedText.Encode("user_id");
    private static readonly JsonEncodedText ProductId = JsonEncodedText.Encode("product_id");
    private static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event_type");
    private static readonly JsonEncodedText Amount = JsonEncodedText.Encode("amount");
    private static readonly JsonEncodedText EventTime = JsonEncodedText.Encode("event_time");

    public static byte[] Encode(in ClickEvent e)
    {
        var time = DateTime.UnixEpoch.AddMilliseconds(e.TimeMs);
        var amount = e.IsPurchase ? e.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
        return Encoding.UTF8.GetBytes(
            $"{{\"event_id\":\"e{e.Id}\",\"user_id\":\"u{e.User}\",\"product_id\":\"p{e.Product}\",\"event_type\":\"{ClickEventSequence.Types[e.Type]}\",\"amount\":{amount},\"event_time\":\"{time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\"}}");
    }

    /// <summary>Parses one event from its raw bytes with <see cref="Utf8JsonReader"/>, no strings allocated.</summary>
    public static ClickEvent Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long id = 0, cents = 0, timeMs = 0;
        int user = 0, product = 0, type = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(EventId.EncodedUtf8Bytes)) { reader.Read(); id = Number(reader.ValueSpan[1..]); }
            else if (reader.ValueTextEquals(UserId.EncodedUtf8Bytes)) { reader.Read(); user = (int)Number(reader.ValueSpan[1..]); }
            else if (reader.ValueTextEquals(ProductId.EncodedUtf8Bytes)) { reader.Read(); product = (int)Number(reader.ValueSpan[1..]); }
            else if (reader.ValueTextEquals(EventType.EncodedUtf8Bytes)) { reader.Read(); type = TypeOf(reader.ValueSpan); }
            else if (reader.ValueTextEquals(Amount.EncodedUtf8Bytes)) { reader.Read(); cents = (long)Math.Round(reader.GetDouble() * 100); }
            else if (reader.ValueTextEquals(EventTime.EncodedUtf8Bytes)) { reader.Read(); timeMs = (long)(reader.GetDateTime().ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds; }
            else { reader.Read(); reader.Skip(); }
        }
        return new ClickEvent(id, user, product, type, cents, timeMs);
    }

    private static long Number(ReadOnlySpan<byte> digits) => Utf8Parser.TryParse(digits, out long value, out _) ? value : -1;

    /// <summary>The index in <see cref="ClickEventSequence.Types"/> (the first of equal names).</summary>
    private static int TypeOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 => 0,
        5 => 3,
        11 => 5,
        8 => 6,
        _ => -1,
    };
}
