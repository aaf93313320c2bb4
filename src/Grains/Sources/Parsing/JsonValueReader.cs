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
            case DataTypeKind.Double:
                return TryReadDouble(ref reader, out value);
            case DataTypeKind.Boolean when token is JsonTokenType.True or JsonTokenType.False:
                value = token == JsonTokenType.True;
                return true;
            case DataTypeKind.Timestamp:
                return TryReadTimestamp(ref reader, out value);
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
    private static string ReadString(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Encoding.UTF8.GetString(utf8[start..(int)reader.BytesConsumed]);
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private static bool TryReadDouble(ref Utf8JsonReader reader, out object? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetDouble(out var d))
            {
                value = d;
                return true;
            }
            return false;
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
        return value is not null;
    }

    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out object? value)
    {
        value = null;
        DateTime t;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var seconds):
                if (!Utf8Timestamp.TryFromEpochSeconds(seconds, out t))
                {
                    return false;
                }
                break;
            case JsonTokenType.Number when reader.TryGetDouble(out var fractional):
                if (!Utf8Timestamp.TryFromEpochSeconds(fractional, out t))
                {
                    return false;
                }
                break;
            case JsonTokenType.String when !reader.ValueIsEscaped:
                if (!Utf8Timestamp.TryParse(reader.ValueSpan, out t))
                {
                    return false;
                }
                break;
            case JsonTokenType.String when reader.ValueSpan.Length <= MaxTimestampBytes:
                Span<byte> unescaped = stackalloc byte[MaxTimestampBytes];
                var length = reader.CopyString(unescaped);
                if (!Utf8Timestamp.TryParse(unescaped[..length], out t))
                {
                    return false;
                }
                break;
            default:
                return false;
        }
        value = t;
        return true;
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
