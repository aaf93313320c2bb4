using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>Spark's console sink: each committed batch printed to the silo's standard output as a table.</summary>
[GrainType("sluice.sink.console")]
internal sealed class ConsoleSinkGrain : SinkWriterGrain, IConsoleSinkGrain
{
    private int _numRows = 20;

    public Task ConfigureAsync(int numRows)
    {
        _numRows = numRows;
        return Task.CompletedTask;
    }

    protected override async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        SinkWriteFault(batchId);
        var text = $"-------------------------------------------\nBatch: {batchId}\n-------------------------------------------\n"
            + ConsoleTable.Format(schema, rows, _numRows);
        await Console.Out.WriteLineAsync(text);
        return rows.Count;
    }
}
