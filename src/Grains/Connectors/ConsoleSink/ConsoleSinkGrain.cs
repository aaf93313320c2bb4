using Sluice.Contracts;
using Sluice.Data;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.ConsoleSink;

/// <summary>Spark's console sink: each committed batch printed to the silo's standard output as a table.</summary>
[GrainType("sluice.sink.console")]
internal sealed class ConsoleSinkGrain : SinkWriterGrain, IConsoleSinkGrain
{
    protected override async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        SinkWriteFault(batchId);
        var text = $"-------------------------------------------\nBatch: {batchId}\n-------------------------------------------\n"
            + ConsoleTable.Format(schema, rows, RequireConfig("console").Sink.NumRows);
        await global::System.Console.Out.WriteLineAsync(text);
        return rows.Count;
    }
}
