using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Diagnostics;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>
/// The common half of sink writers: writers stage a batch's rows (staging again replaces a writer's rows), and a
/// commit hands them to <see cref="WriteAsync"/>; the batch counts as committed only once that returns (the rule of
/// <see cref="StagedBatches"/>), so a write that throws is written again by the batch's replay. A batch committed
/// before returns <see cref="ISinkGrain.AlreadyCommitted"/>.
/// </summary>
internal abstract class SinkWriterGrain : Grain
{
    private readonly StagedBatches _staged = new();

    /// <summary>The query's sink settings, given before each commit (<see cref="ISinkGrain.ConfigureAsync"/>).</summary>
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

    /// <summary>Stages the columns as they are: rows are made from them only by a sink that reads rows (at its commit).</summary>
    public Task StageColumnsAsync(long batchId, string writerId, Immutable<ColumnRows> rows)
    {
        _staged.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    public Task<long> StagedRowsAsync(long batchId) => Task.FromResult(_staged.RowsStaged(batchId));

    public Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema) =>
        _staged.CommitStagedAsync(batchId, ISinkGrain.AlreadyCommitted, writers => WriteStagedAsync(batchId, mode, schema, writers));

    /// <summary>
    /// Writes each writer's rows as staged (in writer order; a writer's large output decodes as it is read); by default
    /// as lists through <see cref="WriteWritersAsync"/>.
    /// </summary>
    protected virtual Task<long> WriteStagedAsync(long batchId, OutputMode mode, StreamSchema schema, List<IReadOnlyList<object?[]>> writers) =>
        WriteWritersAsync(batchId, mode, schema, writers.ConvertAll(StagedBatches.ToList));

    /// <summary>Writes each writer's staged rows (in writer order); by default as one list through <see cref="WriteAsync"/>.</summary>
    protected virtual Task<long> WriteWritersAsync(long batchId, OutputMode mode, StreamSchema schema, List<List<object?[]>> writers)
    {
        var rows = new List<object?[]>(writers.Sum(w => w.Count));
        foreach (var writer in writers)
        {
            rows.AddRange(writer);
        }
        return WriteAsync(batchId, mode, schema, rows);
    }

    /// <summary>
    /// Writes batch <paramref name="batchId"/>'s rows durably, or throws; returns the rows written, or AlreadyCommitted
    /// when an earlier attempt had written them. Call <see cref="SinkWriteFault"/> where a failure would leave the most behind.
    /// </summary>
    protected abstract Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows);

    /// <summary>The <c>sinkWrite</c> fault point of this sink (scope: its grain key, see <see cref="FaultInjection.Arm"/>).</summary>
    protected void SinkWriteFault(long batchId) => FaultInjection.Hit(FaultInjection.SinkWrite, batchId, this.GetPrimaryKeyString());

    /// <summary>Forgets every batch (a query started on a new checkpoint).</summary>
    protected void ResetStaging() => _staged.Reset();

    protected long LastCommittedBatchId => _staged.LastCommittedBatchId;

    protected SinkConfig RequireConfig(string sink) =>
        Config ?? throw new InvalidOperationException($"the {sink} sink was not configured before its commit");
}
