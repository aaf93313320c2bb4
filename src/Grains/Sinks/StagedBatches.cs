using Sluice.Data;

namespace Sluice.Sinks;

/// <summary>
/// The staging half of a sink writer: rows per batch per writer (staging again replaces a writer's rows, so
/// a retried agent does not double them) and the id of the last batch committed, so a replay commits nothing.
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

    /// <summary>The rows staged for <paramref name="batchId"/>, in writer order, or null when it was committed before.</summary>
    public List<object?[]>? TakeForCommit(long batchId)
    {
        if (batchId <= LastCommittedBatchId)
        {
            _staged.Remove(batchId);
            return null;
        }
        var rows = TakeWriters(batchId).SelectMany(w => w).ToList();
        MarkCommitted(batchId);
        return rows;
    }

    /// <summary>
    /// Removes batch <paramref name="batchId"/> (and older leftovers) from staging and returns each writer's rows, in
    /// writer order, for a sink that writes them separately; <see cref="MarkCommitted"/> once its commit succeeded.
    /// </summary>
    public List<List<object?[]>> TakeWriters(long batchId)
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

    /// <summary>Batch <paramref name="batchId"/> is committed: staging it or anything older again is ignored.</summary>
    public void MarkCommitted(long batchId) => LastCommittedBatchId = Math.Max(LastCommittedBatchId, batchId);

    public void Reset()
    {
        _staged.Clear();
        LastCommittedBatchId = -1;
    }
}
