using Orleans.Concurrency;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>
/// A sink writer: output for batch N is staged by each writer (staging again replaces that writer's rows),
/// then committed once; a commit of a batch already committed is ignored, so a replayed batch adds nothing.
/// </summary>
[Alias("sluice.sink")]
public interface ISinkGrain : IGrainWithStringKey
{
    /// <summary>
    /// The query's sink settings, given before each commit (a reactivated writer never lacks them): the one way a
    /// sink's spec reaches its writer.
    /// </summary>
    Task ConfigureAsync(Immutable<SinkConfig> config);

    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows);

    /// <summary>
    /// As <see cref="StageAsync"/>, with the rows as columns (a typed aggregation's update-mode output): a sink that
    /// needs rows makes them from the columns, the same values in the same order.
    /// </summary>
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task StageColumnsAsync(long batchId, string writerId, Immutable<ColumnRows> rows);

    /// <summary>
    /// Rows staged for <paramref name="batchId"/> so far, or <see cref="AlreadyCommitted"/>: before committing, the
    /// coordinator checks them against what the writers reported staging, so output lost with a silo fails the batch
    /// (which re-runs) instead of being committed short.
    /// </summary>
    Task<long> StagedRowsAsync(long batchId);

    /// <summary>
    /// Makes batch <paramref name="batchId"/> visible; returns the rows it added, or <see cref="AlreadyCommitted"/>
    /// when the batch was committed before (a replay adds nothing). A write that throws leaves the batch uncommitted:
    /// its replay is staged and written again.
    /// </summary>
    [ResponseTimeout(BatchCalls.ResponseTimeout)]
    Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema);

    /// <summary>What <see cref="CommitAsync"/> returns for a batch committed before.</summary>
    public const long AlreadyCommitted = -1;
}

/// <summary>The console sink of a query (key: <c>console|&lt;query name&gt;</c>): prints each committed batch as Spark does.</summary>
[Alias("sluice.sink.console")]
public interface IConsoleSinkGrain : ISinkGrain;
