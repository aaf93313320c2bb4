using System.Globalization;
using System.Text.Json;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>
/// Reads a connector's own fields (<see cref="SourceSpec.Settings"/>, <see cref="SinkSpec.Settings"/>: raw JSON) with
/// errors that name the field's JSON path, and refuses a field the connector does not declare.
/// </summary>
public sealed class SpecSettings(IReadOnlyDictionary<string, string> settings, string path)
{
    /// <summary>Throws <see cref="SpecException"/> for the first field not in <paramref name="known"/> (with a near name, if any).</summary>
    public void RequireKnown(IReadOnlyList<string> known, string kind, IReadOnlyList<string> common) =>
        SpecOptions.CheckNames(path, settings, known, $"fields of a {kind}", common, $"every {kind}");

    public string? String(string name) => Read(name, JsonValueKind.String, "a string", e => e.GetString()!);

    public bool? Bool(string name) =>
        Read(name, JsonValueKind.True, "true or false", e => (bool?)e.GetBoolean(), JsonValueKind.False);

    public long? PositiveLong(string name) =>
        Read(name, JsonValueKind.Number, "a positive whole number", e => e.TryGetInt64(out var n) && n > 0 ? (long?)n : throw Wrong(name, "a positive whole number"));

    public int? Port(string name) =>
        Read(name, JsonValueKind.Number, "a port number (1 to 65535)", e => e.TryGetInt32(out var n) && n is > 0 and < 65536 ? (int?)n : throw Wrong(name, "a port number (1 to 65535)"));

    public TimeSpan? Duration(string name) =>
        String(name) is { } text ? Durations.TryParse(text, out var d) && d > TimeSpan.Zero ? d : throw Wrong(name, Durations.Expected) : null;

    public string? OneOf(string name, params string[] allowed) =>
        String(name) is { } text
            ? allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)) ?? throw Wrong(name, $"one of {string.Join(", ", allowed)}")
            : null;

    // T is a nullable or reference type, so a missing field reads as null.
    private T? Read<T>(string name, JsonValueKind kind, string expected, Func<JsonElement, T> read, JsonValueKind? other = null)
    {
        if (!settings.TryGetValue(name, out var json))
        {
            return default;
        }
        using var doc = JsonDocument.Parse(json);
        var element = doc.RootElement;
        if (element.ValueKind != kind && element.ValueKind != other)
        {
            throw Wrong(name, expected);
        }
        return read(element);
    }

    private SpecException Wrong(string name, string expected) =>
        new($"{path}.{name}", string.Create(CultureInfo.InvariantCulture, $"expected {expected}, found {settings[name]}"));
}
