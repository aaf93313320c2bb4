using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Security;
using Sluice.Spec;

namespace Sluice.Connectors.Files;

/// <summary>
/// The parquet or json sink of one output folder (key: <see cref="FileSinkId"/>): a grain around
/// <see cref="FileSinkWriter"/>, which holds the protocol. One activation per folder keeps writers from racing.
/// </summary>
[GrainType("sluice.sink.file")]
internal sealed partial class FileSinkGrain(
    IOptions<SluiceOptions> sluice,
    IOptions<FileSinkOptions> options,
    ILogger<FileSinkGrain> logger) : Grain, IFileSinkGrain
{
    private FileSinkWriter? _writer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = FileSinkId.Parse(this.GetPrimaryKeyString());
        // Checked again here, not only at query start: the grain can be reached without going through the query manager.
        var folder = PathRoots.ForData(sluice.Value).Confine(id.Path, $"The {id.Format.Name} sink's path");
        _writer = new FileSinkWriter(folder, id.Format, options.Value.CompactInterval);
        return Task.CompletedTask;
    }

    /// <summary>The writer's settings are its key (format and folder): nothing else of the spec is read.</summary>
    public Task ConfigureAsync(Immutable<Contracts.SinkConfig> config) => Task.CompletedTask;

    public Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows)
    {
        _writer!.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    /// <summary>The file writer encodes rows: the columns become rows here, the same values in the same order.</summary>
    public Task StageColumnsAsync(long batchId, string writerId, Immutable<ColumnRows> rows)
    {
        _writer!.Stage(batchId, writerId, new RowBatch(rows.Value.Schema, rows.Value.ToList()));
        return Task.CompletedTask;
    }

    public Task<long> StagedRowsAsync(long batchId) => Task.FromResult(_writer!.RowsStaged(batchId));

    public async Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema)
    {
        var commit = await _writer!.CommitAsync(batchId, mode, schema);
        if (ReferenceEquals(commit, FileSinkCommit.AlreadyCommitted))
        {
            LogAlreadyCommitted(logger, _writer.Folder, batchId);
            return Contracts.ISinkGrain.AlreadyCommitted;
        }
        LogCommitted(logger, _writer.Folder, batchId, commit.Files.Count, commit.Rows);
        return commit.Rows;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "File sink {Folder} committed batch {BatchId}: {Files} files, {Rows} rows")]
    private static partial void LogCommitted(ILogger logger, string folder, long batchId, int files, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "File sink {Folder} skipped batch {BatchId}: its manifest entry exists (a replay)")]
    private static partial void LogAlreadyCommitted(ILogger logger, string folder, long batchId);
}
