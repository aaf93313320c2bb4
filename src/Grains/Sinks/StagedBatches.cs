using Sluice.Data;

namespace Sluice.Sinks;

/// <summary>
/// The staging half of a sink writer, and the one commit rule every sink follows: rows per batch per writer (staging
/// again replaces a writer's rows, so a retried agent does not double them), and the id of the last batch committed,
/// so a replay commits nothing. A batch counts as committed only once its write returned: the write made it durable,
/// or found it durable from an earlier attempt. A write that throws leaves the batch uncommitted, so the replay's rows
/// are staged and written again (<see cref="RowsStaged"/> never answers -1 for it).
/// A writer's rows from <paramref name="encodeFrom"/> rows up are held encoded (<see cref="EncodedRows"/>): a window's
/// close stages millions of rows at once, and holding them as objects until the commit was most of a close's memory.
/// </summary>
internal sealed class StagedBatches(int encodeFrom = StagedBatches.DefaultEncodeFrom)
{
    /// <summary>
    /// Above what an ordinary batch stages per writer (a W1 batch changes ~50k groups over 8 key groups), so only the
    /// bulk output of a close pays for encoding.
    /// </summary>
    public const int DefaultEncodeFrom = 65_536;

    private readonly SortedDictionary<long, Dictionary<string, IReadOnlyList<object?[]>>> _staged = [];

    public long LastCommittedBatchId { get; private set; } = -1;

    public void Stage(long batchId, string writerId, RowBatch rows) =>
        Stage(batchId, writerId, rows.Count >= encodeFrom ? EncodedRows.TryEncode(rows.Rows) ?? (IReadOnlyList<object?[]>)rows.Rows : rows.Rows);

    /// <summary>Stages rows held as columns as they are (no object per row; <see cref="ToList"/> makes them).</summary>
    public void Stage(long batchId, string writerId, ColumnRows rows) => Stage(batchId, writerId, (IReadOnlyList<object?[]>)rows);

    private void Stage(long batchId, string writerId, IReadOnlyList<object?[]> rows)
    {
        if (batchId <= LastCommittedBatchId)
        {
            return;
        }
        if (!_staged.TryGetValue(batchId, out var writers))
        {
            _staged[batchId] = writers = [];
        }
        writers[writerId] = rows;
    }

    /// <summary>Rows staged for the batch, or -1 when it was committed before.</summary>
    public long RowsStaged(long batchId) =>
        batchId <= LastCommittedBatchId ? -1 : _staged.TryGetValue(batchId, out var writers) ? writers.Values.Sum(w => (long)w.Count) : 0;

    /// <summary>
    /// Commits batch <paramref name="batchId"/>: <paramref name="alreadyCommitted"/> when it was committed before;
    /// otherwise hands each writer's staged rows (in writer order) to <paramref name="write"/>, and marks the batch
    /// committed once the write returns. A write that throws marks nothing; its rows are dropped with it, since the
    /// batch's replay stages them again.
    /// </summary>
    public Task<T> CommitAsync<T>(long batchId, T alreadyCommitted, Func<List<List<object?[]>>, Task<T>> write) =>
        CommitStagedAsync(batchId, alreadyCommitted, writers => write(writers.ConvertAll(ToList)));

    /// <summary>As <see cref="CommitAsync{T}"/>, handing each writer's rows as staged (a writer's encoded rows decode as read).</summary>
    public async Task<T> CommitStagedAsync<T>(long batchId, T alreadyCommitted, Func<List<IReadOnlyList<object?[]>>, Task<T>> write)
    {
        if (batchId <= LastCommittedBatchId)
        {
            _staged.Remove(batchId);
            return alreadyCommitted;
        }
        var result = await write(TakeWriters(batchId));
        LastCommittedBatchId = Math.Max(LastCommittedBatchId, batchId);
        return result;
    }

    public void Reset()
    {
        _staged.Clear();
        LastCommittedBatchId = -1;
    }

    // Removes the batch (and older leftovers, whose batches ended without a commit here) from staging.
    private List<IReadOnlyList<object?[]>> TakeWriters(long batchId)
    {
        var rows = _staged.Remove(batchId, out var writers)
            ? writers.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => w.Value).ToList()
            : [];
        foreach (var stale in _staged.Keys.Where(id => id < batchId).ToList())
        {
            _staged.Remove(stale);
        }
        return rows;
    }

    /// <summary>A writer's rows as a list of objects (decoded when they were held encoded).</summary>
    internal static List<object?[]> ToList(IReadOnlyList<object?[]> rows) =>
        rows switch
        {
            List<object?[]> list => list,
            EncodedRows encoded => encoded.ToList(),
            ColumnRows columns => columns.ToList(),
            _ => [.. rows],
        };
}
