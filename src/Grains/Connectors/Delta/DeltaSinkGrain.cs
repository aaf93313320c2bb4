using Microsoft.Extensions.Options;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Security;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.Delta;

/// <summary>The <c>delta</c> sink of one table: stages a batch's rows, then commits them as one Delta version (see <see cref="DeltaTableWriter"/>).</summary>
[GrainType("sluice.sink.delta")]
internal sealed class DeltaSinkGrain(IOptions<SluiceOptions> options, SluiceClock time) : SinkWriterGrain, IDeltaSinkGrain
{
    private DeltaTableWriter? _writer;

    protected override Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows) =>
        throw new InvalidOperationException("the Delta sink writes each writer's rows as its own file");

    protected override async Task<long> WriteWritersAsync(long batchId, OutputMode mode, StreamSchema schema, List<List<object?[]>> writers)
    {
        var config = RequireConfig("delta");
        if (_writer is null)
        {
            // Checked again here, not only at query start: the grain can be reached without going through the query manager.
            var table = PathRoots.ForData(options.Value).Confine(SinkGrainId.Parse(this.GetPrimaryKeyString()).Target, "The delta sink's path");
            _writer = new DeltaTableWriter(table, config.QueryId, time);
        }
        return await _writer.WriteAsync(batchId, mode, schema, writers, () => SinkWriteFault(batchId));
    }
}
