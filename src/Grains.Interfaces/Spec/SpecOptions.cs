using System.Globalization;

namespace Sluice.Spec;

/// <summary>
/// Every option some component reads: query <see cref="QuerySpec.Options"/> here, and each sink kind's
/// <see cref="SinkSpec.Options"/> and each source or sink kind's own fields (<see cref="SourceSpec.Settings"/>) declared by its connector. An option nothing reads (a typo such as <c>lateRowSink</c>, or Spark's
/// <c>checkpointLocation</c> given as an option) fails the query at start instead of being ignored, so a component
/// that starts reading an option declares it. (Kafka source options are client settings, checked where the client is
/// configured.)
/// </summary>
public static class SpecOptions
{
    /// <summary>Key groups of a new checkpoint (a positive whole number; Spark's shuffle partitions).</summary>
    public const string KeyGroups = "keyGroups";

    /// <summary>The memory sink that receives rows dropped behind the watermark.</summary>
    public const string LateRowsSink = "lateRowsSink";

    /// <summary>Batches of checkpoint logs kept for recovery (a whole number &gt;= 1; Spark's <c>minBatchesToRetain</c>).</summary>
    public const string MinBatchesToRetain = "minBatchesToRetain";

    /// <summary>
    /// "true" (the default) or "false": whether a join input whose source and operators up to a stateful one equal the
    /// other input's is planned once, its reads and state shared ("false" plans each input apart, as builds before did).
    /// </summary>
    public const string ShareSubPlans = "shareSubPlans";

    /// <summary>The query options the engine reads.</summary>
    public static readonly IReadOnlyList<string> Query = [KeyGroups, LateRowsSink, MinBatchesToRetain, ShareSubPlans];

    /// <summary>Whether the query plans equal join inputs once (<see cref="ShareSubPlans"/>).</summary>
    public static bool SharesSubPlans(QuerySpec spec) => !spec.Options.TryGetValue(ShareSubPlans, out var text) || text != "false";

    private static readonly string[] QueryFields = ["checkpointLocation", "outputMode", "trigger", "watermarkPolicy"];
    private static readonly string[] SinkFields = ["path", "topic", "key", "handler", "numRows", "bootstrapServers"];

    /// <summary>
    /// Throws <see cref="SpecException"/> for the first option nothing reads, or a known one with a bad value.
    /// <paramref name="sinkOptions"/> are the options the sink's connector reads.
    /// </summary>
    public static void Check(QuerySpec spec, IReadOnlyList<string> sinkOptions)
    {
        CheckNames("$.options", spec.Options, Query, "query options", QueryFields, "the query");
        CheckNames("$.sink.options", spec.Sink.Options, sinkOptions, $"{spec.Sink.Kind} sink options", SinkFields, "the sink");
        CheckPositive(spec, KeyGroups);
        CheckPositive(spec, MinBatchesToRetain);
        if (spec.Options.TryGetValue(ShareSubPlans, out var share) && share is not ("true" or "false"))
        {
            throw new SpecException($"$.options.{ShareSubPlans}", $"expected \"true\" or \"false\", found '{share}'");
        }
    }

    /// <summary>
    /// Throws <see cref="SpecException"/> at <c>path.name</c> for the first of <paramref name="options"/> not in
    /// <paramref name="known"/>, with the likely intent of a typo (a near name, or one of <paramref name="fields"/> of <paramref name="owner"/>).
    /// </summary>
    public static void CheckNames(
        string path, IReadOnlyDictionary<string, string> options, IReadOnlyList<string> known, string scope, IReadOnlyList<string> fields, string owner)
    {
        foreach (var name in options.Keys.Order(StringComparer.Ordinal))
        {
            if (known.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }
            var hint = fields.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } field
                ? $" ('{field}' is a field of {owner}, not an option: set it there)"
                : Closest(name, known) is { } near ? $" (did you mean '{near}'?)" : "";
            var valid = known.Count == 0 ? $"there are no {scope}; remove it" : $"valid {scope}: {string.Join(", ", known)}";
            throw new SpecException($"{path}.{name}", $"unknown option '{name}'{hint}; {valid}");
        }
    }

    private static void CheckPositive(QuerySpec spec, string name)
    {
        if (spec.Options.TryGetValue(name, out var text) && !(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1))
        {
            throw new SpecException($"$.options.{name}", $"expected a positive whole number, found '{text}'");
        }
    }

    /// <summary>A known option one or two edits away (or differing only in case): the likely intent of a typo.</summary>
    private static string? Closest(string name, IReadOnlyList<string> known) =>
        known.Select(k => (Name: k, Distance: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= 2)
            .OrderBy(k => k.Distance)
            .Select(k => k.Name)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
