using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>Spark's console sink: each committed batch printed to the silo's standard output as a table.</summary>
internal sealed class ConsoleSinkGrain : Grain, IConsoleSinkGrain
{
    private readonly StagedBatches _staged = new();
    private int _numRows = 20;

    public Task ConfigureAsync(int numRows)
    {
        _numRows = numRows;
        return Task.CompletedTask;
    }

    public Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows)
    {
        _staged.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    public async Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema)
    {
        var rows = _staged.TakeForCommit(batchId);
        if (rows is null)
        {
            return ISinkGrain.AlreadyCommitted;
        }
        var text = $"-------------------------------------------\nBatch: {batchId}\n-------------------------------------------\n"
            + ConsoleTable.Format(schema, rows, _numRows);
        await Console.Out.WriteLineAsync(text);
        return rows.Count;
    }
}
