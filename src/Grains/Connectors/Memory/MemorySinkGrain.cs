using Sluice.Contracts;
using Sluice.Data;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.Memory;

/// <summary>
/// Spark's memory sink, keyed by query name: append and update modes accumulate every committed row; complete
/// mode keeps the latest result table. A batch commits once: a replay after a restart adds nothing.
/// Committed rows are kept as the writers staged them (one list per writer per batch, in commit and writer order) and
/// joined into one list only when read: appending each batch to one growing list copied every row reference again
/// at each doubling, and the base writer's joining of a batch's writers copied them once more. A writer's rows staged
/// as columns (<see cref="ColumnRows"/>: a typed aggregation's update output) stay columns, and become rows only when read.
/// </summary>
[KeepAlive]
[GrainType("sluice.sink.memory")]
internal sealed class MemorySinkGrain : SinkWriterGrain, IMemorySinkGrain
{
    private List<IReadOnlyList<object?[]>> _parts = [];
    private StreamSchema _schema = StreamSchema.Empty;

    protected override Task<long> WriteStagedAsync(long batchId, OutputMode mode, StreamSchema schema, List<IReadOnlyList<object?[]>> writers)
    {
        SinkWriteFault(batchId);
        _schema = schema;
        if (mode == OutputMode.Complete)
        {
            _parts = [];
        }
        long rows = 0;
        foreach (var writer in writers)
        {
            if (writer.Count > 0)
            {
                // Encoded rows (a close's bulk output) are decoded once here, as before; columns are kept as they are.
                _parts.Add(writer is ColumnRows ? writer : StagedBatches.ToList(writer));
                rows += writer.Count;
            }
        }
        return Task.FromResult(rows);
    }

    protected override Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows) =>
        WriteStagedAsync(batchId, mode, schema, [rows]);

    public Task<MemorySinkContents> ReadAsync()
    {
        var rows = new List<object?[]>(_parts.Sum(p => p.Count));
        foreach (var part in _parts)
        {
            rows.AddRange(part);
        }
        return Task.FromResult(new MemorySinkContents(_schema, rows, LastCommittedBatchId));
    }

    public Task ResetAsync()
    {
        ResetStaging();
        _parts = [];
        _schema = StreamSchema.Empty;
        return Task.CompletedTask;
    }
}
