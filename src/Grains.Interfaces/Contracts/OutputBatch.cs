using Sluice.Data;

namespace Sluice.Contracts;

/// <summary>A committed batch of a query's output, as the stream sink publishes it.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.OutputBatch")]
public sealed record OutputBatch(
    [property: Id(0)] string QueryName,
    [property: Id(1)] long BatchId,
    [property: Id(2)] StreamSchema Schema,
    [property: Id(3)] IReadOnlyList<object?[]> Rows);

/// <summary>Where the stream sink publishes: provider <see cref="QueryEvents.Provider"/>, namespace <see cref="Namespace"/>, key the query name.</summary>
public static class OutputStreams
{
    public const string Namespace = "sluice.output";
}
