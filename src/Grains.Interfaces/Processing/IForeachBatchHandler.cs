using Sluice.Data;

namespace Sluice.Processing;

/// <summary>
/// A <c>foreachBatch</c> handler, referenced by <see cref="Name"/> in a sink spec (<c>{"kind": "foreachBatch",
/// "handler": "..."}</c>) and found like processors (silo assemblies, plugin folder). It is called once per committed
/// batch; after a crash between the call and the batch's commit it is called again with the same batch id, so it
/// delivers exactly once only if it is idempotent by <c>batchId</c> (at least once otherwise).
/// </summary>
public interface IForeachBatchHandler
{
    string Name { get; }

    Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows);
}
