using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Progress;

namespace Sluice.Cli.Scenarios;

/// <summary>
/// The progress reports a scenario's query produced, across restarts, and <c>assertProgress</c>'s rules: counters
/// summed over the batches since the previous assert, <c>numRowsTotal</c> from the last batch run, any other field
/// from the last batch that had input rows.
/// </summary>
internal sealed partial class ProgressLedger
{
    private static readonly string[] Counters = ["numInputRows", "numRowsUpdated", "numRowsRemoved", "numRowsDroppedByWatermark"];

    private readonly List<QueryProgress> _all = [];
    private readonly HashSet<(Guid RunId, long BatchId)> _seen = [];
    private int _sinceAssert;

    public void Add(IEnumerable<QueryProgress> reports)
    {
        foreach (var report in reports.Where(r => _seen.Add((r.RunId, r.BatchId))))
        {
            _all.Add(report);
        }
    }

    /// <summary>Checks each path against its expected value; null when all hold, else what differs.</summary>
    public string? Assert(JsonElement expectations)
    {
        var window = _all.Skip(_sinceAssert).Select(ToJson).ToList();
        _sinceAssert = _all.Count;
        var failures = new List<string>();
        foreach (var expectation in expectations.EnumerateObject())
        {
            var path = expectation.Name;
            var leaf = path[(path.LastIndexOf('.') + 1)..];
            JsonNode? actual;
            if (Counters.Contains(leaf))
            {
                actual = JsonValue.Create(window.Sum(p => Navigate(p, path) is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0));
            }
            else if (leaf == "numRowsTotal")
            {
                actual = window.Count > 0 ? Navigate(window[^1], path) : null;
            }
            else
            {
                actual = window.LastOrDefault(p => p["numInputRows"]?.GetValue<long>() > 0) is { } withInput ? Navigate(withInput, path) : null;
            }
            if (!RowMatcher.Matches(expectation.Value, actual))
            {
                failures.Add($"{path}: expected {expectation.Value.GetRawText()}, got {actual?.ToJsonString() ?? "nothing"} ({window.Count} batches since the previous check)");
            }
        }
        return failures.Count == 0 ? null : string.Join("; ", failures);
    }

    private static JsonNode ToJson(QueryProgress progress) => JsonNode.Parse(ProgressJson.Write(progress))!;

    private static JsonNode? Navigate(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (Match part in PathPart().Matches(path))
        {
            current = current?[part.Groups[1].Value];
            if (part.Groups[2].Success)
            {
                var index = int.Parse(part.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                current = current is JsonArray array && index < array.Count ? array[index] : null;
            }
        }
        return current;
    }

    [GeneratedRegex(@"([^.\[\]]+)(?:\[(\d+)\])?")]
    private static partial Regex PathPart();
}
