using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Data;

namespace Sluice.Cli.Scenarios;

/// <summary>
/// Compares rows as FORMAT.md says: as multisets; a key missing from an expected row is not compared; numbers by
/// value (doubles within 1e-9 relative); timestamps as instants whatever their text form.
/// </summary>
internal static class RowMatcher
{
    /// <summary>Null when <paramref name="actual"/> equals <paramref name="expected"/> as multisets; else what differs.</summary>
    public static string? Compare(IReadOnlyList<JsonElement> expected, IReadOnlyList<JsonObject> actual)
    {
        var unmatched = actual.ToList();
        var missing = new List<JsonElement>();
        foreach (var e in expected)
        {
            var index = unmatched.FindIndex(a => Matches(e, a));
            if (index < 0)
            {
                missing.Add(e);
            }
            else
            {
                unmatched.RemoveAt(index);
            }
        }
        if (missing.Count == 0 && unmatched.Count == 0)
        {
            return null;
        }
        var text = $"expected {expected.Count} rows, got {actual.Count}";
        if (missing.Count > 0)
        {
            text += $"; missing {string.Join(", ", missing.Select(m => m.GetRawText()))}";
        }
        if (unmatched.Count > 0)
        {
            text += $"; unexpected {string.Join(", ", unmatched.Select(u => u.ToJsonString()))}";
        }
        return text;
    }

    public static bool Matches(JsonElement expected, JsonNode? actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                return actual is null;
            case JsonValueKind.Object:
                return actual is JsonObject obj && expected.EnumerateObject().All(p => obj.TryGetPropertyValue(p.Name, out var v) && Matches(p.Value, v));
            case JsonValueKind.Array:
                return actual is JsonArray array && array.Count == expected.GetArrayLength()
                    && expected.EnumerateArray().Select((e, i) => Matches(e, array[i])).All(m => m);
            case JsonValueKind.Number:
                return actual is JsonValue n && TryNumber(n, out var a) && NumbersEqual(expected.GetDouble(), a);
            case JsonValueKind.String:
                return actual is JsonValue s && s.TryGetValue<string>(out var text) && StringsEqual(expected.GetString()!, text);
            default:
                return actual is JsonValue b && b.TryGetValue<bool>(out var flag) && flag == expected.GetBoolean();
        }
    }

    private static bool TryNumber(JsonValue value, out double number)
    {
        if (value.TryGetValue(out number))
        {
            return true;
        }
        if (value.TryGetValue<long>(out var l))
        {
            number = l;
            return true;
        }
        if (value.TryGetValue<int>(out var i))
        {
            number = i;
            return true;
        }
        return false;
    }

    private static bool NumbersEqual(double expected, double actual) =>
        expected == actual || Math.Abs(expected - actual) <= 1e-9 * Math.Max(Math.Abs(expected), Math.Abs(actual));

    private static bool StringsEqual(string expected, string actual) =>
        expected == actual
        || (LooksLikeTimestamp(expected) && LooksLikeTimestamp(actual)
            && RowJson.TryParseTimestamp(expected, out var e) && RowJson.TryParseTimestamp(actual, out var a) && e == a);

    private static bool LooksLikeTimestamp(string s) => s.Length >= 10 && s[4] == '-' && s[7] == '-';
}
