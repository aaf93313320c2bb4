using System.Globalization;
using System.Text;
using Sluice.Data;

namespace Sluice.Tests.Columnar;

/// <summary>
/// Random JSON records for a schema, leaning on what breaks parsers: wrong types, nulls, missing, repeated and unknown
/// fields, names in other cases or escaped, escaped and non-ASCII strings, nested values, bad syntax, text after the
/// object, invalid UTF-8. Seeded, so a failure names the seed that reproduces it.
/// </summary>
/// <param name="invalidUtf8">Whether some records are not UTF-8 (the parsers throw on those, failing a whole read).</param>
internal sealed class RandomJsonRecords(StreamSchema schema, int seed, bool invalidUtf8 = true)
{
    private static readonly string[] Words = ["u1", "u2", "p7", "click", "view", "Zoë", "日本", "a\"b", "back\\slash", "tab\there", "line\nbreak", "😀", "", " "];

    private readonly Random _random = new(seed);

    /// <summary>Whether the record being made has only values that fit (half of them, so clean records are common).</summary>
    private bool _clean;

    public byte[] Next()
    {
        var roll = _random.Next(100);
        if (roll < 8)
        {
            return Encoding.UTF8.GetBytes(Malformed());
        }
        var text = Encoding.UTF8.GetBytes(Object());
        if (roll < 14 && invalidUtf8)
        {
            return InvalidUtf8(text);
        }
        return text;
    }

    private string Object()
    {
        _clean = _random.Next(2) == 0;
        var fields = new List<string>();
        foreach (var column in schema.Columns)
        {
            var roll = _random.Next(100);
            if (roll < 12)
            {
                continue;
            }
            fields.Add($"{Name(column.Name)}:{Value(column.Type)}");
            if (roll > 95)
            {
                fields.Add($"{Name(column.Name)}:{Value(column.Type)}");
            }
        }
        if (_random.Next(4) == 0)
        {
            fields.Add($"\"extra{_random.Next(3)}\":{Value(Pick(DataType.String, DataType.Double, DataType.Struct([new Column("x", DataType.Int)])))}");
        }
        // Mostly schema order (the parser's guess), sometimes shuffled.
        if (_random.Next(3) == 0)
        {
            fields = [.. fields.OrderBy(_ => _random.Next())];
        }
        var space = _random.Next(5) == 0 ? " " : "";
        return "{" + space + string.Join("," + space, fields) + space + "}";
    }

    private string Name(string name) => _random.Next(20) switch
    {
        0 => Quote(name.ToUpperInvariant()),
        1 => "\"" + string.Concat(name.Select(c => $"\\u{(int)c:x4}")) + "\"",
        2 => Quote(char.ToUpperInvariant(name[0]) + name[1..]),
        _ => Quote(name),
    };

    private string Value(DataType type)
    {
        var roll = _random.Next(100);
        if (roll < 6)
        {
            return "null";
        }
        if (!_clean && roll < 12)
        {
            // Any other type's value: usually wrong, sometimes it fits anyway (a number for a string column).
            return Value(Pick(DataType.String, DataType.Long, DataType.Double, DataType.Boolean, DataType.Timestamp, DataType.Array(DataType.Int)));
        }
        var bad = !_clean && roll < 30;
        return type.Kind switch
        {
            DataTypeKind.String => StringValue(),
            DataTypeKind.Int => bad ? Pick("2147483648", "1.0", "1e2", "\"12\"", "true")
                : Pick("0", "-7", "2147483647", "-2147483648", "12", _random.Next().ToString(CultureInfo.InvariantCulture)),
            DataTypeKind.Long => bad ? Pick("9223372036854775808", "2.5", "\"3\"", "[]")
                : Pick("0", "9000000000", "-9223372036854775808", "3", _random.NextInt64().ToString(CultureInfo.InvariantCulture)),
            DataTypeKind.Double => bad ? Pick("\"nan\"", "\"1.5\"", "\"N\\u0061N\"", "{}", "false")
                : Pick("1.5", "-0.0", "0", "1e308", "1e400", "-1E-400", "\"NaN\"", "\"Infinity\"", "\"-INF\"", "\"+INF\"",
                    (_random.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture)),
            DataTypeKind.Boolean => bad ? Pick("\"true\"", "1") : Pick("true", "false"),
            DataTypeKind.Timestamp => bad ? Pick("\"2024-02-30\"", "\"yesterday\"", "1e30", "\"2024-01-01T25:00\"", "\"2024-01-01T10:00:00+19:00\"")
                : Pick("\"2024-01-01\"", "\"2024-01-01T10:00:00Z\"", "\"2024-01-01 10:00:00.123456+02:00\"", "\"2024-01-01T10:00\"",
                    "\"2024-01-01T10:00:00-0530\"", "\"2024-01-01 10:00:00 UTC\"", "\"2024-01-01t10:00:00.123456789z\"", "1700000000",
                    "1700000000.25", "\"2024\\u002d01-01\"", "-1", "\" 2024-01-01T10:00:00+02 \""),
            DataTypeKind.Binary => bad ? Pick("\"not base64!\"", "12") : Pick("\"AQID\"", "\"\"", "\"AQ==\""),
            DataTypeKind.Struct => "{" + string.Join(",", type.Fields.Where(_ => _random.Next(4) > 0).Select(f => $"{Name(f.Name)}:{Value(f.Type)}")) + "}",
            DataTypeKind.Array => "[" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(_ => Value(type.Element!))) + "]",
            _ => "null",
        };
    }

    private string StringValue()
    {
        var roll = _random.Next(10);
        if (roll == 0)
        {
            // Long enough to leave the stack buffers; escaped half the time.
            var text = string.Concat(Enumerable.Range(0, 40).Select(_ => Pick(Words)));
            return Quote(text);
        }
        if (roll == 1)
        {
            return "\"" + string.Concat(Pick(Words).Select(c => $"\\u{(int)c:x4}")) + "\"";
        }
        if (roll == 2)
        {
            return Pick("{\"k\": [1, 2, {\"z\": null}]}", "[]", "[\"x\", 1.50]", "123", "-1.5e3", "true");
        }
        return Quote(Pick(Words) + Pick(Words));
    }

    private string Malformed() => Pick(
        "", "   ", "[1,2]", "42", "\"text\"", "null", "{", "{\"s\":", "{\"s\" 1}", "{\"i\":1,}", "{\"i\":1} x", "{\"i\":1}{\"i\":2}",
        "{'i':1}", "{\"i\":01}", "{\"i\":1]", "{\"s\":\"unterminated}", Object() + " trailing", Object()[..^1]);

    /// <summary>Puts a byte sequence that is not UTF-8 somewhere in the record (inside a string, usually).</summary>
    private byte[] InvalidUtf8(byte[] text)
    {
        var quote = Array.IndexOf(text, (byte)'"', _random.Next(Math.Max(1, text.Length)));
        var at = quote < 0 ? text.Length / 2 : quote + 1;
        byte[] bad = Pick<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xE2, 0x82]);
        return [.. text[..at], .. bad, .. text[at..]];
    }

    /// <summary>A JSON string: non-ASCII as raw UTF-8, or every non-ASCII and HTML-sensitive character escaped.</summary>
    private string Quote(string text)
    {
        if (_random.Next(3) == 0)
        {
            return System.Text.Json.JsonSerializer.Serialize(text);
        }
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];
}
