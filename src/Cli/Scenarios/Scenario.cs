using System.Text.Json;
using Sluice.Spec;

namespace Sluice.Cli.Scenarios;

/// <summary>A scenario file (shared/scenarios/FORMAT.md): a query, and steps that feed it and check what comes out.</summary>
internal sealed class Scenario
{
    private Scenario(string file, string name, JsonElement query, IReadOnlyList<JsonElement> steps)
    {
        File = file;
        Name = name;
        Query = query;
        Steps = steps;
    }

    public string File { get; }

    public string Name { get; }

    /// <summary>The query spec as written; read when the scenario starts, so a malformed one is an error a step can expect.</summary>
    public JsonElement Query { get; }

    public IReadOnlyList<JsonElement> Steps { get; }

    public static Scenario Load(string file)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(file));
        var root = doc.RootElement.Clone();
        var name = root.TryGetProperty("name", out var n) ? n.GetString() ?? Path.GetFileName(file) : Path.GetFileName(file);
        if (!root.TryGetProperty("query", out var query) || !root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
        {
            throw new SpecException("$", $"scenario '{file}' needs a 'query' object and a 'steps' array");
        }
        return new Scenario(file, name, query, steps.EnumerateArray().ToList());
    }

    /// <summary>The scenario files at a path: the file itself, or every *.json under a folder, in name order.</summary>
    public static IReadOnlyList<string> Find(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : System.IO.File.Exists(path) ? [path] : throw new FileNotFoundException($"no scenario file or folder at '{path}'");
}
