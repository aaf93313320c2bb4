using Sluice.Checkpointing;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>What the planning side of a source is created with, in the coordinator.</summary>
/// <param name="Spec">The source's spec part.</param>
/// <param name="QueryName">The query's name (the default stream name).</param>
/// <param name="SourceIndex">The source's index in the query (0, then each union or join input): its folder is <c>sources/&lt;index&gt;/</c>.</param>
/// <param name="Checkpoint">The query's checkpoint, where a source keeps what it must remember (<c>sources/&lt;index&gt;/...</c>).</param>
/// <param name="Grains">The cluster's grains.</param>
/// <param name="Time">The engine's clock (a manual one in tests and scenarios).</param>
public sealed record SourceContext(SourceSpec Spec, string QueryName, int SourceIndex, ICheckpointStore Checkpoint, IGrainFactory Grains, TimeProvider Time)
{
    /// <summary>The stream's name: the spec's <c>name</c>, else the topic (Kafka) or the query's name.</summary>
    public string StreamName => Spec.Name ?? Spec.Topic ?? QueryName;
}
