using Sluice.Contracts;
using Sluice.Data;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>Calls the query's registered <see cref="IForeachBatchHandler"/> with each committed batch.</summary>
internal sealed class ForeachBatchSinkGrain : SinkWriterGrain, IForeachBatchSinkGrain
{
    protected override async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        await ProcessorRegistry.ResolveHandler(RequireConfig("foreachBatch").Sink.Handler!).HandleAsync(batchId, schema, rows);
        return rows.Count;
    }
}
