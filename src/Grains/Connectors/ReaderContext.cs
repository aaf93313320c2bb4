using Sluice.Checkpointing;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>What the reading side of one partition is created with, in a partition agent.</summary>
/// <param name="Spec">The source's spec part.</param>
/// <param name="QueryName">The query's name.</param>
/// <param name="SourceIndex">The source's index in the query.</param>
/// <param name="Partition">The partition read.</param>
/// <param name="Schema">The rows' schema (<see cref="ISourceConnector.Schema"/>).</param>
/// <param name="PlanningContext">What the planning side passed to readers (<see cref="Sources.IStreamSource.ReaderContext"/>).</param>
/// <param name="Checkpoint">The query's checkpoint, for what the planning side wrote there.</param>
/// <param name="Grains">The cluster's grains.</param>
public sealed record ReaderContext(
    SourceSpec Spec, string QueryName, int SourceIndex, int Partition, StreamSchema Schema, string? PlanningContext, ICheckpointStore Checkpoint, IGrainFactory Grains)
{
    /// <summary>The stream's name: the spec's <c>name</c>, else the topic (Kafka) or the query's name.</summary>
    public string StreamName => Spec.Name ?? Spec.Topic ?? QueryName;
}
