using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Bench;

/// <summary>
/// Writes one section of the day's results (<c>bench/results/yyyy-MM-dd.json</c>, other sections kept) and
/// replaces the same section of BENCHMARKS.md, between <c>&lt;!-- bench:NAME --&gt;</c> and <c>&lt;!-- /bench:NAME --&gt;</c>.
/// </summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(string section, object data, string? markdown)
    {
        var file = Path.Combine(Machine.ResultsFolder(), $"{DateTime.UtcNow:yyyy-MM-dd}.json");
        var root = File.Exists(file) ? JsonNode.Parse(await File.ReadAllTextAsync(file)) as JsonObject ?? [] : [];
        root["machine"] = JsonSerializer.SerializeToNode(Machine.Describe());
        root[section] = JsonSerializer.SerializeToNode(new { measuredAt = DateTime.UtcNow.ToString("u"), data }, Indented);
        await File.WriteAllTextAsync(file, root.ToJsonString(Indented));
        Console.WriteLine($"wrote {file}");
        if (markdown is null)
        {
            return;
        }

        var doc = Path.Combine(Directory.Exists("bench") ? "." : "..", "BENCHMARKS.md");
        var text = File.Exists(doc) ? await File.ReadAllTextAsync(doc) : "# Benchmarks\n\n";
        var (open, close) = ($"<!-- bench:{section} -->", $"<!-- /bench:{section} -->");
        var block = new StringBuilder().AppendLine(open)
            .AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineLine()}. The machine is shared, so figures are noisy (±20% run to run is common).")
            .AppendLine().Append(markdown).AppendLine(close).ToString();
        var start = text.IndexOf(open, StringComparison.Ordinal);
        var end = text.IndexOf(close, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + block.TrimEnd('\n') + text[(end + close.Length)..]
            : text.TrimEnd('\n') + "\n\n" + block;
        await File.WriteAllTextAsync(doc, text);
        Console.WriteLine($"updated {Path.GetFullPath(doc)}");
    }

    private static string MachineLine()
    {
        var m = JsonSerializer.SerializeToNode(Machine.Describe())!;
        return $"{m["cores"]} cores, {m["memoryGb"]} GB, {m["os"]}, {m["runtime"]}";
    }
}
