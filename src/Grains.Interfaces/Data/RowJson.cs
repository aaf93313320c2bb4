using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Data;

/// <summary>
/// Rows as JSON objects keyed by column name, the form scenarios, the CLI and the HTTP API use.
/// Timestamps are ISO-8601 UTC strings; a struct is a nested object; binary is base64.
/// </summary>
public static class RowJson
{
    public static JsonObject ToJson(StreamSchema schema, object?[] row)
    {
        var obj = new JsonObject();
        for (var i = 0; i < schema.Count; i++)
        {
            obj[schema[i].Name] = ValueToJson(schema[i].Type, row[i]);
        }
        return obj;
    }

    public static JsonNode? ValueToJson(DataType type, object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        int n => JsonValue.Create(n),
        long n => JsonValue.Create(n),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double d => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        bool b => JsonValue.Create(b),
        DateTime t => JsonValue.Create(FormatTimestamp(t)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        StructValue s => StructToJson(type, s),
        object?[] items => new JsonArray(items.Select(v => ValueToJson(type.Element ?? DataType.Null, v)).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    private static JsonObject StructToJson(DataType type, StructValue s)
    {
        var obj = new JsonObject();
        for (var i = 0; i < s.Values.Length; i++)
        {
            var field = i < type.Fields.Count ? type.Fields[i] : new Column($"_{i}", DataType.Null);
            obj[field.Name] = ValueToJson(field.Type, s.Values[i]);
        }
        return obj;
    }

    /// <summary>ISO-8601 UTC with the fraction only when there is one: <c>1970-01-01T00:00:10Z</c>.</summary>
    public static string FormatTimestamp(DateTime t)
    {
        var utc = DateTime.SpecifyKind(t, DateTimeKind.Utc);
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    public static bool TryParseTimestamp(string text, out DateTime value)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
        {
            value = dto.UtcDateTime;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Converts a JSON value to the CLR value of <paramref name="type"/>; false when it does not fit.</summary>
    public static bool TryFromJson(DataType type, JsonElement e, out object? value)
    {
        value = null;
        if (e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        switch (type.Kind)
        {
            case DataTypeKind.String:
                value = e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
                return true;
            case DataTypeKind.Int when e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i):
                value = i;
                return true;
            case DataTypeKind.Long when e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var l):
                value = l;
                return true;
            case DataTypeKind.Double when e.ValueKind == JsonValueKind.Number:
                value = e.GetDouble();
                return true;
            case DataTypeKind.Boolean when e.ValueKind is JsonValueKind.True or JsonValueKind.False:
                value = e.GetBoolean();
                return true;
            case DataTypeKind.Timestamp when e.ValueKind == JsonValueKind.String && TryParseTimestamp(e.GetString()!, out var t):
                value = t;
                return true;
            case DataTypeKind.Timestamp when e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var seconds):
                value = DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
                return true;
            case DataTypeKind.Binary when e.ValueKind == JsonValueKind.String:
                try
                {
                    value = Convert.FromBase64String(e.GetString()!);
                    return true;
                }
                catch (FormatException)
                {
                    return false;
                }
            case DataTypeKind.Struct when e.ValueKind == JsonValueKind.Object:
                var values = new object?[type.Fields.Count];
                for (var f = 0; f < values.Length; f++)
                {
                    if (e.TryGetProperty(type.Fields[f].Name, out var fe) && !TryFromJson(type.Fields[f].Type, fe, out values[f]))
                    {
                        return false;
                    }
                }
                value = new StructValue(values);
                return true;
            default:
                return false;
        }
    }

    public static string ToJsonLine(StreamSchema schema, object?[] row) => ToJson(schema, row).ToJsonString();

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
