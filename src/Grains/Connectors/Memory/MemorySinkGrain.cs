using Sluice.Contracts;
using Sluice.Data;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.Memory;

/// <summary>
/// Spark's memory sink, keyed by query name: append and update modes accumulate every committed row; complete
/// mode keeps the latest result table. A batch commits once: a replay after a restart adds nothing.
/// </summary>
[KeepAlive]
[GrainType("sluice.sink.memory")]
internal sealed class MemorySinkGrain : SinkWriterGrain, IMemorySinkGrain
{
    private List<object?[]> _rows = [];
    private StreamSchema _schema = StreamSchema.Empty;

    protected override Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        SinkWriteFault(batchId);
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
        Task.FromResult(new MemorySinkContents(_schema, _rows.ToList(), LastCommittedBatchId));

    public Task ResetAsync()
    {
        ResetStaging();
        _rows = [];
        _schema = StreamSchema.Empty;
        return Task.CompletedTask;
    }
}
