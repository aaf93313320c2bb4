using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Spark's own Kafka source options (not the <c>kafka.</c>-prefixed consumer settings) met in a source's
/// <c>options</c>. A Spark user moving a query brings them along; each either means what Sluice does anyway and is
/// accepted (never passed to librdkafka, which knows no such setting), or is refused at start with what to do instead,
/// so none is ignored and none reaches the user as librdkafka's "No such configuration property". Names are compared
/// case-insensitively, as Spark's options are.
/// </summary>
internal static class KafkaSparkOptions
{
    /// <summary>True for a Spark source option name: it is checked here and never set on the consumer.</summary>
    public static bool IsSparkOption(string key) => Refusals.ContainsKey(key) || Accepted.ContainsKey(key);

    /// <summary>Refuses the options of <paramref name="spec"/> that Sluice does not do, naming the fix.</summary>
    public static void Check(SourceSpec spec, string path)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Topic is { } topic && topic.Contains(',', StringComparison.Ordinal))
        {
            throw new SpecException(path + ".topic",
                $"a kafka source reads one topic, not the list '{topic}': make one source per topic and union them");
        }
        foreach (var (key, value) in spec.Options)
        {
            if (key.Equals("includeHeaders", StringComparison.OrdinalIgnoreCase) && !KafkaSchemas.IsRaw(spec))
            {
                throw new SpecException($"{path}.options.{key}",
                    "record headers are a column of format raw (headers); a kafka source of format json reads only the value: remove the option, or use format raw.");
            }
            if (Accepted.TryGetValue(key, out var accepted))
            {
                if (!value.Trim().Equals(accepted.Value, StringComparison.OrdinalIgnoreCase))
                {
                    throw new SpecException($"{path}.options.{key}", accepted.Refusal);
                }
            }
            else if (Refusals.TryGetValue(key, out var refusal))
            {
                throw new SpecException($"{path}.options.{key}", refusal);
            }
        }
    }

    // Options whose one accepted value is what Sluice always does; any other value is refused with the reason.
    private static readonly Dictionary<string, (string Value, string Refusal)> Accepted = new(StringComparer.OrdinalIgnoreCase)
    {
        ["failOnDataLoss"] = ("true",
            "Sluice always fails a batch whose offsets are gone from Kafka (deleted by retention, or the topic recreated), as Spark " +
            "does with failOnDataLoss=true; it never skips records silently. Remove the option; to move past lost data, start the " +
            "query on a new checkpoint with startingOffsets."),
        ["includeHeaders"] = ("true",
            "Sluice's kafka source always reads record headers in format raw (its headers column), so it cannot leave them out " +
            "(includeHeaders=false): remove the option, and select the columns you need."),
    };

    private const string EndingOffsets = "ending offsets are not valid in streaming queries (as in Spark); remove the option.";
    private const string ByTimestamp =
        "Sluice does not look offsets up by timestamp: give startingOffsets as per-partition offsets (JSON), earliest or latest.";
    private const string OffsetFetch =
        "Sluice's planner does not use Spark's offset-fetch retries: remove the option (librdkafka settings, with or without the kafka. prefix, tune the consumer).";

    private static readonly Dictionary<string, string> Refusals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["subscribe"] = "set the topic as the source's \"topic\" (one topic per kafka source; union sources for several).",
        ["subscribePattern"] = "Sluice's kafka source reads one named topic, not a pattern: make one source per topic (\"topic\") and union them.",
        ["assign"] = "Sluice's kafka source reads every partition of one topic, not assigned partitions: set \"topic\", and filter on the partition column (format raw) if you need fewer.",
        ["startingOffsets"] = "set startingOffsets as the source's own field \"startingOffsets\", not in its options.",
        ["maxOffsetsPerTrigger"] = "set maxOffsetsPerTrigger as the source's own field \"maxOffsetsPerTrigger\", not in its options.",
        ["endingOffsets"] = "ending offsets are not valid in streaming queries (as in Spark); remove the option, or use the availableNow trigger to stop at the offsets there at start.",
        ["endingOffsetsByTimestamp"] = EndingOffsets,
        ["endingTimestamp"] = EndingOffsets,
        ["startingTimestamp"] = ByTimestamp,
        ["startingOffsetsByTimestamp"] = ByTimestamp,
        ["startingOffsetsByTimestampStrategy"] = ByTimestamp,
        ["minOffsetsPerTrigger"] = "Sluice does not hold back batches until enough records arrive (minOffsetsPerTrigger): remove it, and use a processingTime trigger interval to batch more per trigger.",
        ["maxTriggerDelay"] = "maxTriggerDelay goes with minOffsetsPerTrigger, which Sluice does not do: remove it, and use a processingTime trigger interval.",
        ["minPartitions"] = "Sluice reads each Kafka partition with one partition agent and does not split partitions (minPartitions): remove the option, or give the topic more partitions.",
        ["maxRecordsPerPartition"] = "Sluice reads each Kafka partition with one partition agent and does not split partitions (maxRecordsPerPartition): remove the option, and bound a batch with maxOffsetsPerTrigger.",
        ["groupIdPrefix"] = "Sluice reads by offset without joining a consumer group; it commits each batch's end offsets to the group named by kafka.group.id (for lag tools): set that instead.",
        ["kafkaConsumer.pollTimeoutMs"] = "Sluice's partition agents do not use Spark's consumer poll timeout: remove the option (librdkafka settings, with or without the kafka. prefix, tune the consumer).",
        ["fetchOffset.numRetries"] = OffsetFetch,
        ["fetchOffset.retryIntervalMs"] = OffsetFetch,
    };
}
