using System.Globalization;
using Sluice.Checkpointing;
using Sluice.Data;
using Sluice.Diagnostics;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.Files;

/// <summary>
/// Spark's file sink, exactly once. Commit of batch N:
/// <code>
/// if _sluice_sink/N exists (or a compact file at or after N): committed before, return 0
/// for each writer that staged rows, in writer order:  part-NNNNN-WWWWW.ext  (temp file, then move over)
/// create _sluice_sink/N listing those files            (create-if-absent: the commit point)
/// every compactInterval batches: create _sluice_sink/N.compact, then delete the entries before N
/// </code>
/// A failure before the entry leaves files no entry lists; readers never see them, and the replay of N (same rows,
/// same names) overwrites them. The batch is marked committed here only after its entry exists (the rule of
/// <see cref="StagedBatches"/>). Only append mode exists, as in Spark.
/// </summary>
internal sealed class FileSinkWriter
{
    private readonly StagedBatches _staged = new();
    private readonly FolderCheckpointStore _store;
    private readonly FileSinkFormat _format;
    private readonly int _compactInterval;

    public FileSinkWriter(string folder, FileSinkFormat format, int compactInterval = 10)
    {
        if (compactInterval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(compactInterval), compactInterval, "The file sink's compact interval must be at least 1 batch (default 10).");
        }
        _store = new FolderCheckpointStore(folder);
        _format = format;
        _compactInterval = compactInterval;
    }

    /// <summary>The absolute output folder.</summary>
    public string Folder => _store.Location;

    /// <summary>Keeps <paramref name="rows"/> as <paramref name="writerId"/>'s output of the batch, replacing what it staged before.</summary>
    public void Stage(long batchId, string writerId, RowBatch rows) => _staged.Stage(batchId, writerId, rows);

    /// <summary>Rows staged for the batch, or -1 when it was committed before (by this writer or, per the manifest, any).</summary>
    public long RowsStaged(long batchId) => FileSinkManifest.IsCommitted(Folder, batchId) ? -1 : _staged.RowsStaged(batchId);

    /// <summary>Commits batch <paramref name="batchId"/>; returns the rows it added, 0 when it was committed before.</summary>
    public async Task<FileSinkCommit> CommitAsync(long batchId, OutputMode mode, StreamSchema schema, CancellationToken cancellationToken = default)
    {
        if (mode != OutputMode.Append)
        {
            throw new NotSupportedException($"Data source {_format.Name} does not support {mode} output mode");
        }
        _format.Validate(schema);
        return await _staged.CommitAsync(batchId, FileSinkCommit.AlreadyCommitted, writers => WriteBatchAsync(batchId, schema, writers, cancellationToken));
    }

    // The batch is durable once its manifest entry exists: a replay finds the entry (and finishes a compaction a
    // failure interrupted), a first attempt writes the data files and then creates the entry.
    private async Task<FileSinkCommit> WriteBatchAsync(long batchId, StreamSchema schema, List<List<object?[]>> writers, CancellationToken cancellationToken)
    {
        if (FileSinkManifest.IsCommitted(Folder, batchId))
        {
            await CompactIfDueAsync(batchId, cancellationToken);
            return FileSinkCommit.AlreadyCommitted;
        }
        var files = new List<FileSinkManifest.DataFile>();
        foreach (var rows in writers.Where(rows => rows.Count > 0))
        {
            files.Add(await WriteDataFileAsync(batchId, files.Count, schema, rows, cancellationToken));
        }
        FaultInjection.Hit(FaultInjection.SinkWrite, batchId, Folder);
        if (!await _store.TryCreateAsync(FileSinkManifest.EntryPath(batchId), FileSinkManifest.Format(files), cancellationToken))
        {
            return FileSinkCommit.AlreadyCommitted;
        }
        await CompactIfDueAsync(batchId, cancellationToken);
        return new FileSinkCommit(files, files.Sum(f => f.Rows));
    }

    /// <summary>The data file name of a writer's rows: deterministic, so a replay overwrites its own orphans.</summary>
    public string DataFileName(long batchId, int writerIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"part-{batchId:D5}-{writerIndex:D5}.{_format.Name}");

    private async Task<FileSinkManifest.DataFile> WriteDataFileAsync(
        long batchId, int writerIndex, StreamSchema schema, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var name = DataFileName(batchId, writerIndex);
        var target = await Storage.HiddenTempFile.WriteAsync(Folder, name, stream => _format.WriteAsync(stream, schema, rows, cancellationToken));
        return new FileSinkManifest.DataFile(name, new FileInfo(target).Length, rows.Count);
    }

    // Spark's CompactibleFileStreamLog: batches N with (N + 1) % interval == 0 fold the log into N.compact. Run on a
    // replay too, so a failure between the entry and the compact file (or during the purge) is finished later.
    private async Task CompactIfDueAsync(long batchId, CancellationToken cancellationToken)
    {
        if ((batchId + 1) % _compactInterval != 0)
        {
            return;
        }
        var log = FileSinkManifest.Read(Folder);
        if (log.LatestCompactId > batchId || log.LatestBatchId != batchId)
        {
            return; // a later compaction covers this batch, or later batches exist: the compact file would miss them
        }
        if (log.LatestCompactId < batchId)
        {
            await _store.TryCreateAsync(FileSinkManifest.CompactPath(batchId), FileSinkManifest.Format(log.Files), cancellationToken);
        }
        await PurgeBeforeAsync(batchId, cancellationToken);
    }

    private async Task PurgeBeforeAsync(long batchId, CancellationToken cancellationToken)
    {
        foreach (var name in await _store.ListAsync(FileSinkManifest.DirectoryName, cancellationToken))
        {
            if (FileSinkManifest.TryParseName(name, out var id, out _) && id < batchId)
            {
                await _store.DeleteAsync($"{FileSinkManifest.DirectoryName}/{name}", cancellationToken);
            }
        }
    }
}
