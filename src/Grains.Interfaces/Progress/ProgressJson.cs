using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Progress;

/// <summary>Progress reports as JSON with Spark's field names (camelCase, as <c>StreamingQueryProgress.json</c>).</summary>
public static class ProgressJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write(QueryProgress progress, bool indented = true) =>
        JsonSerializer.Serialize(progress, indented ? Options : new JsonSerializerOptions(Options) { WriteIndented = false });

    public static QueryProgress? Read(string json) => JsonSerializer.Deserialize<QueryProgress>(json, Options);
}
