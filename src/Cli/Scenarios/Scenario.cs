using System.Text.Json;
using Sluice.Spec;

namespace Sluice.Cli.Scenarios;

/// <summary>A scenario file (shared/scenarios/FORMAT.md): a query, and steps that feed it and check what comes out.</summary>
internal sealed class Scenario
{
    private Scenario(string file, string name, JsonElement query, IReadOnlyList<JsonElement> setup, IReadOnlyList<JsonElement> steps)
    {
        File = file;
        Name = name;
        Query = query;
        Setup = setup;
        Steps = steps;
    }

    public string File { get; }

    public string Name { get; }

    /// <summary>The query spec as written; read when the scenario starts, so a malformed one is an error a step can expect.</summary>
    public JsonElement Query { get; }

    /// <summary>
    /// Steps run before the query starts (<c>"setup"</c>, optional): Kafka topics and the records already in them when
    /// the query starts, as Spark's Kafka tests create and fill topics before <c>testStream</c>.
    /// </summary>
    public IReadOnlyList<JsonElement> Setup { get; }

    public IReadOnlyList<JsonElement> Steps { get; }

    /// <summary>True when a step needs a Kafka broker of the scenario's own.</summary>
    public bool UsesKafka => Setup.Concat(Steps).Any(step => ScenarioKafka.Handles(KindOf(step)));

    /// <summary>A step's kind: the name of its first field.</summary>
    public static string KindOf(JsonElement step) =>
        step.ValueKind == JsonValueKind.Object ? step.EnumerateObject().FirstOrDefault().Name ?? "?" : "?";

    public static Scenario Load(string file)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(file));
        var root = doc.RootElement.Clone();
        var name = root.TryGetProperty("name", out var n) ? n.GetString() ?? Path.GetFileName(file) : Path.GetFileName(file);
        if (!root.TryGetProperty("query", out var query) || !root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
        {
            throw new SpecException("$", $"scenario '{file}' needs a 'query' object and a 'steps' array");
        }
        var setup = root.TryGetProperty("setup", out var s) && s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().ToList() : [];
        return new Scenario(file, name, query, setup, steps.EnumerateArray().ToList());
    }

    /// <summary>The scenario files at a path: the file itself, or every *.json under a folder, in name order.</summary>
    public static IReadOnlyList<string> Find(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : System.IO.File.Exists(path) ? [path] : throw new FileNotFoundException($"no scenario file or folder at '{path}'");
}
