using System.Globalization;
using System.Text.Json;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Reads a Kafka source's <c>startingOffsets</c> as Spark does: <c>earliest</c>, <c>latest</c>, or JSON
/// <c>{"events":{"0":23,"1":-2}}</c> giving every partition of the topic an offset (-2 earliest, -1 latest).
/// </summary>
internal static class KafkaStartingOffsets
{
    public const long EarliestMarker = -2;
    public const long LatestMarker = -1;

    /// <summary>
    /// The requested offset of every partition: an offset, or <see cref="EarliestMarker"/> / <see cref="LatestMarker"/>
    /// for the caller to resolve against the partition's watermarks.
    /// </summary>
    public static Dictionary<int, long> Parse(string? startingOffsets, string topic, IReadOnlyList<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var text = string.IsNullOrWhiteSpace(startingOffsets) ? "latest" : startingOffsets.Trim();
        if (text.Equals("earliest", StringComparison.OrdinalIgnoreCase))
        {
            return partitions.ToDictionary(p => p, _ => EarliestMarker);
        }
        if (text.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return partitions.ToDictionary(p => p, _ => LatestMarker);
        }
        if (text.StartsWith('{'))
        {
            var requested = ParseJson(text, topic);
            CheckCoversPartitions(requested, topic, partitions);
            return requested;
        }
        throw new ArgumentException(
            $"startingOffsets '{text}' of the kafka source on topic '{topic}' is not understood; use earliest, latest, " +
            $"or JSON such as {{\"{topic}\":{{\"0\":23,\"1\":-2}}}} (-2 earliest, -1 latest).");
    }

    private static Dictionary<int, long> ParseJson(string json, string topic)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"startingOffsets of the kafka source on topic '{topic}' is not valid JSON ({e.Message}): {json}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"startingOffsets JSON must be an object keyed by topic, e.g. {{\"{topic}\":{{\"0\":23}}}}; got {json}");
            }
            var topics = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            var others = topics.Where(t => t != topic).ToList();
            if (others.Count > 0 || !document.RootElement.TryGetProperty(topic, out var offsets))
            {
                throw new ArgumentException(
                    $"startingOffsets names topic(s) {string.Join(", ", others.Select(t => $"'{t}'"))} but this kafka source reads topic '{topic}'; " +
                    $"give offsets for '{topic}' only, e.g. {{\"{topic}\":{{\"0\":23,\"1\":-2}}}}.");
            }
            if (offsets.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"startingOffsets for topic '{topic}' must map partition numbers to offsets, e.g. {{\"0\":23,\"1\":-2}}; got {offsets.GetRawText()}");
            }
            var result = new Dictionary<int, long>();
            foreach (var entry in offsets.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                    || entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt64(out var offset) || offset < EarliestMarker)
                {
                    throw new ArgumentException(
                        $"startingOffsets for topic '{topic}' has \"{entry.Name}\": {entry.Value.GetRawText()}; each entry must be a partition number " +
                        "and an offset >= 0, or -2 for earliest, -1 for latest.");
                }
                result[partition] = offset;
            }
            return result;
        }
    }

    private static void CheckCoversPartitions(Dictionary<int, long> requested, string topic, IReadOnlyList<int> partitions)
    {
        var missing = partitions.Where(p => !requested.ContainsKey(p)).Order().ToList();
        var unknown = requested.Keys.Where(p => !partitions.Contains(p)).Order().ToList();
        if (missing.Count == 0 && unknown.Count == 0)
        {
            return;
        }
        var problem = missing.Count > 0
            ? $"has no offset for partition(s) {string.Join(", ", missing)}"
            : $"gives partition(s) {string.Join(", ", unknown)}, which topic '{topic}' does not have";
        throw new ArgumentException(
            $"startingOffsets {problem}. When startingOffsets gives specific offsets it must give one for every partition of '{topic}' " +
            $"(partitions: {string.Join(", ", partitions.Order())}); use -2 for earliest, -1 for latest.");
    }
}
