using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// The errors of a partition read that cannot complete, each saying what happened to the planned range and what to do.
/// The partition's watermarks tell apart records deleted by retention, a re-created topic and a broker that does not answer.
/// </summary>
internal static class KafkaReadErrors
{
    /// <summary>The consumer reported an error while reading [start, end).</summary>
    public static Exception Failed(string topic, int partition, long start, long end, (long Low, long High)? watermarks, string bootstrapServers, ConsumeException error) =>
        Explain(topic, partition, start, end, watermarks, error)
        ?? new InvalidOperationException(
            $"Reading topic '{topic}' partition {partition} offsets [{start}, {end}) from {bootstrapServers} failed: {error.Error.Reason} ({error.Error.Code}).", error);

    /// <summary>Nothing arrived for <paramref name="stallTimeout"/> while [start, end) was still unread.</summary>
    public static Exception Stalled(string topic, int partition, long start, long end, (long Low, long High)? watermarks, string bootstrapServers, TimeSpan stallTimeout) =>
        Explain(topic, partition, start, end, watermarks, null)
        ?? new TimeoutException(
            $"Could not read topic '{topic}' partition {partition} offsets [{start}, {end}) from {bootstrapServers}: nothing arrived for " +
            $"{stallTimeout.TotalSeconds:0.#} s{(watermarks is { } w ? $" (the partition holds offsets [{w.Low}, {w.High}))" : " and its watermarks could not be read")}. " +
            "Check that the brokers are reachable and the partition has a leader.");

    private static Exception? Explain(string topic, int partition, long start, long end, (long Low, long High)? watermarks, Exception? inner)
    {
        if (watermarks is not { } w)
        {
            return null;
        }
        if (w.Low > start)
        {
            return new InvalidOperationException(
                $"Topic '{topic}' partition {partition}: offsets [{start}, {end}) are no longer available; earliest is {w.Low}. " +
                "The broker deleted them (retention or compaction) before this query read them, and Sluice does not skip lost data. " +
                "Start the query on a new checkpoint to read what is left, and raise the topic's retention so batches are read before their records expire.",
                inner);
        }
        if (w.High < end)
        {
            return new InvalidOperationException(
                $"Topic '{topic}' partition {partition}: offsets [{start}, {end}) were planned but the partition ends at offset {w.High}; " +
                "the topic was probably deleted and re-created after the checkpoint recorded them. Start the query on a new checkpoint.",
                inner);
        }
        return null;
    }
}
