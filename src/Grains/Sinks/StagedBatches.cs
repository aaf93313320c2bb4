using Sluice.Data;

namespace Sluice.Sinks;

/// <summary>
/// The staging half of a sink writer, and the one commit rule every sink follows: rows per batch per writer (staging
/// again replaces a writer's rows, so a retried agent does not double them), and the id of the last batch committed,
/// so a replay commits nothing. A batch counts as committed only once its write returned: the write made it durable,
/// or found it durable from an earlier attempt. A write that throws leaves the batch uncommitted, so the replay's rows
/// are staged and written again (<see cref="RowsStaged"/> never answers -1 for it).
/// </summary>
internal sealed class StagedBatches
{
    private readonly SortedDictionary<long, Dictionary<string, RowBatch>> _staged = [];

    public long LastCommittedBatchId { get; private set; } = -1;

    public void Stage(long batchId, string writerId, RowBatch rows)
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
        batchId <= LastCommittedBatchId ? -1 : _staged.TryGetValue(batchId, out var writers) ? writers.Values.Sum(w => (long)w.Rows.Count) : 0;

    /// <summary>
    /// Commits batch <paramref name="batchId"/>: <paramref name="alreadyCommitted"/> when it was committed before;
    /// otherwise hands each writer's staged rows (in writer order) to <paramref name="write"/>, and marks the batch
    /// committed once the write returns. A write that throws marks nothing; its rows are dropped with it, since the
    /// batch's replay stages them again.
    /// </summary>
    public async Task<T> CommitAsync<T>(long batchId, T alreadyCommitted, Func<List<List<object?[]>>, Task<T>> write)
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
    private List<List<object?[]>> TakeWriters(long batchId)
    {
        var rows = _staged.Remove(batchId, out var writers)
            ? writers.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => w.Value.Rows).ToList()
            : [];
        foreach (var stale in _staged.Keys.Where(id => id < batchId).ToList())
        {
            _staged.Remove(stale);
        }
        return rows;
    }
}
