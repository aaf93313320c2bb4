using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>
/// The common half of sink writers: writers stage a batch's rows (staging again replaces a writer's rows), and a
/// commit hands them to <see cref="WriteAsync"/> once; a batch committed before returns <see cref="ISinkGrain.AlreadyCommitted"/>.
/// </summary>
internal abstract class SinkWriterGrain : Grain
{
    private readonly StagedBatches _staged = new();

    /// <summary>The query's sink settings, given before each commit (see <see cref="IConfigurableSinkGrain"/>).</summary>
    protected SinkConfig? Config { get; private set; }

    public Task ConfigureAsync(Immutable<SinkConfig> config)
    {
        Config = config.Value;
        return Task.CompletedTask;
    }

    public Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows)
    {
        _staged.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    public Task<long> StagedRowsAsync(long batchId) => Task.FromResult(_staged.RowsStaged(batchId));

    public async Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema)
    {
        var rows = _staged.TakeForCommit(batchId);
        return rows is null ? ISinkGrain.AlreadyCommitted : await WriteAsync(batchId, mode, schema, rows);
    }

    /// <summary>Writes batch <paramref name="batchId"/>'s rows; returns the rows written (or AlreadyCommitted).</summary>
    protected abstract Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows);

    /// <summary>Forgets every batch (a query started on a new checkpoint).</summary>
    protected void ResetStaging() => _staged.Reset();

    protected long LastCommittedBatchId => _staged.LastCommittedBatchId;

    protected SinkConfig RequireConfig(string sink) =>
        Config ?? throw new InvalidOperationException($"the {sink} sink was not configured before its commit");
}
