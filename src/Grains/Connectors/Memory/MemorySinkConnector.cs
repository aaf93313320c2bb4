using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Connectors.Memory;

/// <summary>The <c>memory</c> sink: rows kept in the silo, readable by query name through the client.</summary>
internal sealed class MemorySinkConnector : ISinkConnector
{
    public string Kind => "memory";

    public Type GrainInterface => typeof(IMemorySinkGrain);

    public void Validate(SinkSpec spec, string path) => SinkSettings.RequireKnown(spec, path, this);

    public string Target(SinkSpec spec, string queryName, Guid queryId) => queryName;

    public string Describe(SinkSpec spec) => "MemorySink";

    public Task OnNewCheckpointAsync(IGrainFactory grains, SinkSpec spec, string queryName) =>
        ConnectorRegistry.MemorySink(grains, queryName).ResetAsync();
}
