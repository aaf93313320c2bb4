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
    protected override async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        var handler = ProcessorRegistry.ResolveHandler(RequireConfig("foreachBatch").Sink.Handler!);
        SinkWriteFault(batchId);
        await handler.HandleAsync(batchId, schema, rows);
        return rows.Count;
    }
}
