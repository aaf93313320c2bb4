using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>Click events as the JSON the Kafka topics hold, and the bare parse of it back (the limit's parser).</summary>
internal static class ClickJson
{
    public static byte[] Encode(in ClickEvent e)
    {
        var time = DateTime.UnixEpoch.AddMilliseconds(e.TimeMs);
        var amount = e.IsPurchase ? e.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
        return Encoding.UTF8.GetBytes(
            $"{{\"event_id\":\"e{e.Id}\",\"user_id\":\"u{e.User}\",\"product_id\":\"p{e.Product}\",\"event_type\":\"{ClickEventSequence.Types[e.Type]}\",\"amount\":{amount},\"event_time\":\"{time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\"}}");
    }

    /// <summary>
    /// Parses one event from its raw bytes with <see cref="Utf8JsonReader"/>: no strings, ids ("u123") read as numbers,
    /// the amount read as cents and the time as epoch ms by hand for the shapes <see cref="Encode"/> writes, falling
    /// back to the reader's own number and date parsing for any other shape.
    /// </summary>
    public static ClickEvent Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long id = 0, cents = 0, timeMs = 0;
        int user = 0, product = 0, type = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueIsEscaped ? Unescaped(ref reader) : Field(reader.ValueSpan);
            reader.Read();
            switch (name)
            {
                case EventId: id = Id(ref reader); break;
                case UserId: user = (int)Id(ref reader); break;
                case ProductId: product = (int)Id(ref reader); break;
                case EventType: type = TypeOf(reader.ValueSpan); break;
                case Amount: cents = Cents(ref reader); break;
                case EventTime: timeMs = TimeMs(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return new ClickEvent(id, user, product, type, cents, timeMs);
    }

    private const int Other = 0, EventId = 1, UserId = 2, ProductId = 3, EventType = 4, Amount = 5, EventTime = 6;

    /// <summary>The field a property name is, told apart by length and one byte, then confirmed whole.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Field(ReadOnlySpan<byte> name) => name.Length switch
    {
        8 when name.SequenceEqual("event_id"u8) => EventId,
        7 when name.SequenceEqual("user_id"u8) => UserId,
        6 when name.SequenceEqual("amount"u8) => Amount,
        10 => name[0] == 'p' ? (name.SequenceEqual("product_id"u8) ? ProductId : Other)
            : name[7] == 'y' ? (name.SequenceEqual("event_type"u8) ? EventType : Other)
            : name.SequenceEqual("event_time"u8) ? EventTime : Other,
        _ => Other,
    };

    private static int Unescaped(ref Utf8JsonReader reader)
    {
        if (reader.ValueSpan.Length > 64)
        {
            return Other; // longer than any field's name even unescaped
        }
        Span<byte> buffer = stackalloc byte[64];
        var length = reader.CopyString(buffer);
        return Field(buffer[..length]);
    }

    /// <summary>A one-letter prefix and decimal digits ("u123") as a number; -1 for any other shape.</summary>
    private static long Id(ref Utf8JsonReader reader)
    {
        var text = reader.ValueSpan;
        if (reader.ValueIsEscaped || text.Length < 2)
        {
            return -1;
        }
        long value = 0;
        for (var i = 1; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return -1;
            }
            value = (value * 10) + digit;
        }
        return value;
    }

    /// <summary>"123", "123.4" or "123.45" as cents; anything else through the double the reader parses.</summary>
    private static long Cents(ref Utf8JsonReader reader)
    {
        var text = reader.ValueSpan;
        long whole = 0;
        var i = 0;
        for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++)
        {
            whole = (whole * 10) + (text[i] - '0');
        }
        if (i == text.Length && i > 0)
        {
            return whole * 100;
        }
        if (i > 0 && text[i] == '.' && text.Length - i is 2 or 3 && (uint)(text[i + 1] - '0') <= 9
            && (text.Length - i == 2 || (uint)(text[i + 2] - '0') <= 9))
        {
            var tenths = text[i + 1] - '0';
            var hundredths = text.Length - i == 3 ? text[i + 2] - '0' : 0;
            return (whole * 100) + (tenths * 10) + hundredths;
        }
        return (long)Math.Round(reader.GetDouble() * 100);
    }

    /// <summary>"yyyy-MM-ddTHH:mm:ss.fffZ" as epoch ms by arithmetic; any other shape through the reader's date parse.</summary>
    private static long TimeMs(ref Utf8JsonReader reader)
    {
        var t = reader.ValueSpan;
        if (t.Length == 24 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' && t[19] == '.' && t[23] == 'Z'
            && Digits(t, 0, 4, out var year) && Digits(t, 5, 2, out var month) && Digits(t, 8, 2, out var day)
            && Digits(t, 11, 2, out var hour) && Digits(t, 14, 2, out var minute) && Digits(t, 17, 2, out var second)
            && Digits(t, 20, 3, out var ms) && month is >= 1 and <= 12 && day >= 1 && hour < 24 && minute < 60 && second < 60)
        {
            return (DaysFromCivil(year, month, day) * 86_400_000L) + (hour * 3_600_000L) + (minute * 60_000L) + (second * 1000L) + ms;
        }
        return (long)(reader.GetDateTime().ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }
            value = (value * 10) + (int)digit;
        }
        return true;
    }

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).</summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097L) + dayOfEra - 719_468;
    }

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
