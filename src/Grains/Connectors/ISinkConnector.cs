using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>
/// A kind of sink: what its spec part may hold, what it needs of the query (output mode, key expressions), the writer
/// grain its output is staged at and committed by (one <see cref="SinkGrainId"/> scheme: kind and the target this
/// connector names), and what progress shows of it. Every writer implements <see cref="ISinkGrain"/>: it receives its
/// settings through <see cref="ISinkGrain.ConfigureAsync"/> before each commit and commits each batch once, recognizing
/// a replayed batch (see docs/sinks.md). Registered by <see cref="Kind"/> in <c>AddSluice</c>.
/// </summary>
public interface ISinkConnector
{
    /// <summary>The <c>kind</c> of the spec's sink.</summary>
    string Kind { get; }

    /// <summary>The fields of this kind beyond the common ones (<see cref="SinkSpec.Settings"/>); any other is refused.</summary>
    IReadOnlyList<string> Settings => [];

    /// <summary>The <c>options</c> its writer reads; any other is refused.</summary>
    IReadOnlyList<string> Options => [];

    /// <summary>The writer grain's interface (derived from <see cref="ISinkGrain"/>).</summary>
    Type GrainInterface { get; }

    /// <summary>Throws <see cref="SpecException"/> naming the field (under <paramref name="path"/>) that is wrong or missing.</summary>
    void Validate(SinkSpec spec, string path);

    /// <summary>Checks what the spec may reach against the silo's allow-lists (see <see cref="ISourceConnector.Confine"/>).</summary>
    SinkSpec Confine(SinkSpec spec, ConnectorGuard guard) => spec;

    /// <summary>
    /// What the sink needs of the planned query (its output mode, expressions over <paramref name="output"/>); throws
    /// <see cref="QueryStartException"/>.
    /// </summary>
    void CheckPlan(QuerySpec spec, StreamSchema output)
    {
    }

    /// <summary>The target part of the writer's <see cref="SinkGrainId"/>: the query name, the query id or the output path.</summary>
    string Target(SinkSpec spec, string queryName, Guid queryId);

    /// <summary>The sink's <c>description</c> in progress, as Spark's (<c>MemorySink</c>, <c>FileSink[out]</c>).</summary>
    string Describe(SinkSpec spec);

    /// <summary>A query that starts on a new checkpoint starts at batch 0: a writer keyed by name forgets the batches it committed before.</summary>
    Task OnNewCheckpointAsync(IGrainFactory grains, SinkSpec spec, string queryName) => Task.CompletedTask;
}
