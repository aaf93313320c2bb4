using Sluice.Checkpointing;
using Sluice.Sources;

namespace Sluice.Coordinator;

/// <summary>One input stream's source during a run: where its committed batches end, and how its readers start.</summary>
internal sealed class RunSource(int index, IStreamSource source, SourceOffsets committed, IOffsetCommitter? committer, long? maxOffsetsPerTrigger) : IDisposable
{
    public int Index { get; } = index;

    public IStreamSource Source { get; } = source;

    /// <summary>The end offsets of the last committed batch: where the next batch starts.</summary>
    public SourceOffsets Committed { get; set; } = committed;

    /// <summary>What readers of this source need from the planning side (the rate source's start time).</summary>
    public string? ReaderContext => Source.ReaderContext;

    public IOffsetCommitter? Committer { get; } = committer;

    public long? MaxOffsetsPerTrigger { get; } = maxOffsetsPerTrigger;

    /// <summary>Spark's failOnDataLoss: a partition behind what this query already committed was recreated (or the embedded broker restarted).</summary>
    public void CheckNoDataLoss(IReadOnlyDictionary<int, long> latest, string checkpointPath)
    {
        foreach (var (partition, committed) in Committed.Partitions)
        {
            if (latest.TryGetValue(partition, out var now) && now < committed)
            {
                throw new InvalidOperationException(
                    $"{Source.Description} partition {partition} ends at offset {now}, behind offset {committed} that this query's checkpoint already processed: " +
                    "the topic was deleted and recreated, or the embedded broker restarted (it keeps no data across silo restarts). " +
                    $"Some data may have been lost. Start the query with a new checkpointLocation (checkpoint: {checkpointPath}).");
            }
        }
    }

    public void Dispose()
    {
        Committer?.Dispose();
        Source.Dispose();
    }
}
