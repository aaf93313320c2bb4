using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>Calls the query's registered <see cref="IForeachBatchHandler"/> with each committed batch.</summary>
internal sealed class ForeachBatchSinkGrain : Grain, IForeachBatchSinkGrain
{
    private readonly StagedBatches _staged = new();
    private SinkConfig? _config;

    public Task ConfigureAsync(Immutable<SinkConfig> config)
    {
        _config = config.Value;
        return Task.CompletedTask;
    }

    public Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows)
    {
        _staged.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    public async Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema)
    {
        var config = _config ?? throw new InvalidOperationException("the foreachBatch sink was not configured before its commit");
        var rows = _staged.TakeForCommit(batchId);
        if (rows is null)
        {
            return ISinkGrain.AlreadyCommitted;
        }
        await ProcessorRegistry.ResolveHandler(config.Sink.Handler!).HandleAsync(batchId, schema, rows);
        return rows.Count;
    }
}
