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
/// at each doubling, and the base writer's joining of a batch's writers copied them once more.
/// </summary>
[KeepAlive]
[GrainType("sluice.sink.memory")]
internal sealed class MemorySinkGrain : SinkWriterGrain, IMemorySinkGrain
{
    private List<List<object?[]>> _parts = [];
    private StreamSchema _schema = StreamSchema.Empty;

    protected override Task<long> WriteWritersAsync(long batchId, OutputMode mode, StreamSchema schema, List<List<object?[]>> writers)
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
                _parts.Add(writer);
                rows += writer.Count;
            }
        }
        return Task.FromResult(rows);
    }

    protected override Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows) =>
        WriteWritersAsync(batchId, mode, schema, [rows]);

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
