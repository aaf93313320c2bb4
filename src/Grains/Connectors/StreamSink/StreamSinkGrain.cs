using Orleans.Streams;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.StreamSink;

/// <summary>
/// Publishes each committed batch as an <see cref="OutputBatch"/> on the Orleans stream named after the query.
/// A batch re-published after a crash carries the same batch id; the client's subscription drops what it has seen.
/// </summary>
[GrainType("sluice.sink.stream")]
internal sealed class StreamSinkGrain : SinkWriterGrain, IStreamSinkGrain
{
    protected override async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        var name = Config?.QueryName ?? this.GetPrimaryKeyString();
        var stream = this.GetStreamProvider(QueryEvents.Provider).GetStream<OutputBatch>(StreamId.Create(OutputStreams.Namespace, name));
        SinkWriteFault(batchId);
        await stream.OnNextAsync(new OutputBatch(name, batchId, schema, rows));
        return rows.Count;
    }
}
