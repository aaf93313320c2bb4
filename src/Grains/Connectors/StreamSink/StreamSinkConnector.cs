using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Connectors.StreamSink;

/// <summary>The <c>stream</c> sink: each committed batch published on the Orleans stream named after the query.</summary>
internal sealed class StreamSinkConnector : ISinkConnector
{
    public string Kind => "stream";

    public Type GrainInterface => typeof(IStreamSinkGrain);

    public void Validate(SinkSpec spec, string path) => SinkSettings.RequireKnown(spec, path, this);

    public string Target(SinkSpec spec, string queryName, Guid queryId) => queryName;

    public string Describe(SinkSpec spec) => "OrleansStreamSink";
}
