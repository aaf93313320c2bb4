using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>
/// Spark's memory sink, keyed by query name: append and update modes accumulate every committed row; complete
/// mode keeps the latest result table. A batch commits once: a replay after a restart adds nothing.
/// </summary>
[KeepAlive]
internal sealed class MemorySinkGrain : Grain, IMemorySinkGrain
{
    private readonly StagedBatches _staged = new();
    private List<object?[]> _rows = [];
    private StreamSchema _schema = StreamSchema.Empty;

    public Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows)
    {
        _staged.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    public Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema)
    {
        var rows = _staged.TakeForCommit(batchId);
        if (rows is null)
        {
            return Task.FromResult(ISinkGrain.AlreadyCommitted);
        }
        _schema = schema;
        if (mode == OutputMode.Complete)
        {
            _rows = rows;
        }
        else
        {
            _rows.AddRange(rows);
        }
        return Task.FromResult((long)rows.Count);
    }

    public Task<MemorySinkContents> ReadAsync() =>
        Task.FromResult(new MemorySinkContents(_schema, _rows.ToList(), _staged.LastCommittedBatchId));

    public Task ResetAsync()
    {
        _staged.Reset();
        _rows = [];
        _schema = StreamSchema.Empty;
        return Task.CompletedTask;
    }
}
