using Orleans.Concurrency;
using Orleans.Streams;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>
/// Publishes each committed batch as an <see cref="OutputBatch"/> on the Orleans stream named after the query.
/// A batch re-published after a crash carries the same batch id; the client's subscription drops what it has seen.
/// </summary>
internal sealed class StreamSinkGrain : Grain, IStreamSinkGrain
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
        var name = _config?.QueryName ?? this.GetPrimaryKeyString();
        var rows = _staged.TakeForCommit(batchId);
        if (rows is null)
        {
            return ISinkGrain.AlreadyCommitted;
        }
        var stream = this.GetStreamProvider(QueryEvents.Provider).GetStream<OutputBatch>(StreamId.Create(OutputStreams.Namespace, name));
        await stream.OnNextAsync(new OutputBatch(name, batchId, schema, rows));
        return rows.Count;
    }
}
