using System.Text;
using System.Text.Json;
using Sluice.Data;

namespace Sluice.Sources.Parsing;

/// <summary>
/// Converts the JSON value under a <see cref="Utf8JsonReader"/> to the CLR value of a column type, with the rules of
/// Spark's JSON reader. Always consumes the whole value (an object or array up to its end token), fitting or not,
/// so the caller can go on with the next field.
/// </summary>
internal static class JsonValueReader
{
    private const int MaxTimestampBytes = 64;

    /// <summary>Reads the value at the reader's current token; false (and null) when it does not fit <paramref name="type"/>.</summary>
    /// <param name="utf8">The whole record, for keeping the raw text of an object given for a string column.</param>
    public static bool TryRead(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, DataType type, out object? value)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            value = null;
            return true;
        }
        var ok = TryReadCore(ref reader, utf8, type, out value);
        if (!ok)
        {
            value = null;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }
        return ok;
    }

    private static bool TryReadCore(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, DataType type, out object? value)
    {
        value = null;
        var token = reader.TokenType;
        switch (type.Kind)
        {
            case DataTypeKind.String:
                value = ReadString(ref reader, utf8);
                return true;
            case DataTypeKind.Int when token == JsonTokenType.Number && reader.TryGetInt32(out var i):
                value = i;
                return true;
            case DataTypeKind.Long when token == JsonTokenType.Number && reader.TryGetInt64(out var l):
                value = l;
                return true;
            case DataTypeKind.Double when TryReadDouble(ref reader, out var d):
                value = d;
                return true;
            case DataTypeKind.Boolean when token is JsonTokenType.True or JsonTokenType.False:
                value = token == JsonTokenType.True;
                return true;
            case DataTypeKind.Timestamp when TryReadTimestamp(ref reader, out var t):
                value = t;
                return true;
            case DataTypeKind.Binary when token == JsonTokenType.String && reader.TryGetBytesFromBase64(out var bytes):
                value = bytes;
                return true;
            case DataTypeKind.Struct when token == JsonTokenType.StartObject:
                return TryReadStruct(ref reader, utf8, type, out value);
            case DataTypeKind.Array when token == JsonTokenType.StartArray:
                return TryReadArray(ref reader, utf8, type.Element ?? DataType.Null, out value);
            default:
                return false;
        }
    }

    /// <summary>A string column keeps a string's value, and the raw JSON text of anything else (as Spark does).</summary>
    private static string ReadString(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(RawText(ref reader, utf8));

    /// <summary>
    /// The JSON text of a value that is not a string, as a string column keeps it: a number's or literal's bytes, or a
    /// whole object or array (read up to its end token).
    /// </summary>
    public static ReadOnlySpan<byte> RawText(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            return utf8[start..(int)reader.BytesConsumed];
        }
        return reader.ValueSpan;
    }

    /// <summary>A double column's value: a number, or one of the quoted non-numeric names; false when it does not fit.</summary>
    public static bool TryReadDouble(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out value);
        }
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return false;
        }
        // Spark's allowNonNumericNumbers (on by default) accepts these quoted names.
        var s = reader.ValueSpan;
        if (s.SequenceEqual("NaN"u8))
        {
            value = double.NaN;
        }
        else if (s.SequenceEqual("Infinity"u8) || s.SequenceEqual("+Infinity"u8) || s.SequenceEqual("INF"u8) || s.SequenceEqual("+INF"u8))
        {
            value = double.PositiveInfinity;
        }
        else if (s.SequenceEqual("-Infinity"u8) || s.SequenceEqual("-INF"u8))
        {
            value = double.NegativeInfinity;
        }
        else
        {
            return false;
        }
        return true;
    }

    /// <summary>A timestamp column's value: epoch seconds (whole or fractional) or an ISO-8601 string; false when it does not fit.</summary>
    public static bool TryReadTimestamp(ref Utf8JsonReader reader, out DateTime value)
    {
        value = default;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var seconds):
                return Utf8Timestamp.TryFromEpochSeconds(seconds, out value);
            case JsonTokenType.Number when reader.TryGetDouble(out var fractional):
                return Utf8Timestamp.TryFromEpochSeconds(fractional, out value);
            case JsonTokenType.String when !reader.ValueIsEscaped:
                return Utf8Timestamp.TryParse(reader.ValueSpan, out value);
            case JsonTokenType.String when reader.ValueSpan.Length <= MaxTimestampBytes:
                Span<byte> unescaped = stackalloc byte[MaxTimestampBytes];
                var length = reader.CopyString(unescaped);
                return Utf8Timestamp.TryParse(unescaped[..length], out value);
            default:
                return false;
        }
    }

    private static bool TryReadStruct(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, DataType type, out object? value)
    {
        var fields = type.Fields;
        var values = new object?[fields.Count];
        var ok = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var index = -1;
            for (var f = 0; f < fields.Count; f++)
            {
                if (string.Equals(fields[f].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    index = f;
                    break;
                }
            }
            if (index < 0)
            {
                reader.Skip();
            }
            else if (!TryRead(ref reader, utf8, fields[index].Type, out values[index]))
            {
                ok = false;
            }
        }
        value = new StructValue(values);
        return ok;
    }

    private static bool TryReadArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, DataType element, out object? value)
    {
        var items = new List<object?>();
        var ok = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ok &= TryRead(ref reader, utf8, element, out var item);
            items.Add(item);
        }
        value = items.ToArray();
        return ok;
    }
}
