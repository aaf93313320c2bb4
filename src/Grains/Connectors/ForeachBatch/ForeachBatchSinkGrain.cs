using Sluice.Contracts;
using Sluice.Data;
using Sluice.Processing;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.ForeachBatch;

/// <summary>
/// Calls the query's registered <see cref="IForeachBatchHandler"/> with each batch. A handler that throws fails the
/// batch, which stays uncommitted: its replay calls the handler again with the same batch id and rows (at least once;
/// exactly once for a handler idempotent by batch id).
/// </summary>
[GrainType("sluice.sink.foreach-batch")]
internal sealed class ForeachBatchSinkGrain : SinkWriterGrain, IForeachBatchSinkGrain
{
    protected override Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows) =>
        HandleAsync(batchId, schema, rows);

    // The handler reads the writers' rows where they are: a close's millions of staged rows are never all objects at once.
    protected override Task<long> WriteStagedAsync(long batchId, OutputMode mode, StreamSchema schema, List<IReadOnlyList<object?[]>> writers) =>
        HandleAsync(batchId, schema, writers.Count == 1 ? writers[0] : new ConcatRows(writers));

    private async Task<long> HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var handler = ProcessorRegistry.ResolveHandler(RequireConfig("foreachBatch").Sink.Handler!);
        SinkWriteFault(batchId);
        await handler.HandleAsync(batchId, schema, rows);
        return rows.Count;
    }
}
