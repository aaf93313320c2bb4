using Sluice.Data;

namespace Sluice.Contracts;

/// <summary>What a memory sink holds: the rows committed so far (in complete mode, the latest result table).</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.MemorySinkContents")]
public sealed record MemorySinkContents(
    [property: Id(0)] StreamSchema Schema,
    [property: Id(1)] IReadOnlyList<object?[]> Rows,
    [property: Id(2)] long LastBatchId);

/// <summary>The memory sink of a query (key: <see cref="SinkGrainId.Memory"/> of the query name), readable through the client.</summary>
[Alias("sluice.sink.memory")]
public interface IMemorySinkGrain : ISinkGrain
{
    Task<MemorySinkContents> ReadAsync();

    /// <summary>Forgets everything (a query started on a new checkpoint starts from an empty sink).</summary>
    Task ResetAsync();
}
