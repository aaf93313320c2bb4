using Sluice.Data;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>
/// A kind of source (Spark's DataSource for streams): what its spec part may hold, the schema it produces, its
/// planning side (partitions and offsets, in the coordinator) and its reading side (one partition's [start, end), in a
/// partition agent). Registered by <see cref="Kind"/> in <c>AddSluice</c>; a silo host adds its own with
/// <c>AddSourceConnector&lt;T&gt;()</c>. A batch's offsets are written before it
/// runs, and a reader given the same range must give the same rows, so a replayed batch is the same batch (a source
/// that cannot, like <c>socket</c>, says so in <see cref="Replayable"/>).
/// </summary>
public interface ISourceConnector
{
    /// <summary>The <c>kind</c> of the spec's source.</summary>
    string Kind { get; }

    /// <summary>The fields of this kind beyond the common ones (<see cref="SourceSpec.Settings"/>); any other is refused.</summary>
    IReadOnlyList<string> Settings => [];

    /// <summary>Whether a batch re-read after a failure gives the same rows; false logs a warning when a query starts.</summary>
    bool Replayable => true;

    /// <summary>A static table (read whole at start, the right side of a stream-static join) rather than a stream.</summary>
    bool IsStatic => false;

    /// <summary>Throws <see cref="SpecException"/> naming the field (under <paramref name="path"/>) that is wrong or missing.</summary>
    void Validate(SourceSpec spec, string path);

    /// <summary>
    /// Checks what the spec may reach (paths, hosts, brokers) against the silo's allow-lists, throwing
    /// <see cref="Contracts.QueryStartException"/>; returns the spec with paths resolved, so every silo reads what was checked.
    /// </summary>
    SourceSpec Confine(SourceSpec spec, ConnectorGuard guard) => spec;

    /// <summary>The cap on offsets per batch over all partitions (<c>maxOffsetsPerTrigger</c>; the files source's <c>maxFilesPerTrigger</c>).</summary>
    long? MaxOffsetsPerTrigger(SourceSpec spec) => spec.MaxOffsetsPerTrigger;

    /// <summary>The rows' schema (valid after <see cref="Validate"/>).</summary>
    StreamSchema Schema(SourceSpec spec);

    /// <summary>The planning side, one per run of a query.</summary>
    IStreamSource CreateSource(SourceContext context);

    /// <summary>The reading side of one partition, one per partition agent and run.</summary>
    IPartitionReader CreateReader(ReaderContext context);

    /// <summary>What commits processed offsets back to the source after each batch (Kafka's consumer group, the files source's cleanup), or null.</summary>
    IOffsetCommitter? CreateOffsetCommitter(SourceContext context) => null;
}
