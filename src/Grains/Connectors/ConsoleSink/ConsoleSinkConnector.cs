using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Connectors.ConsoleSink;

/// <summary>Spark's <c>console</c> sink: each committed batch printed on the silo's standard output (<c>numRows</c> rows).</summary>
internal sealed class ConsoleSinkConnector : ISinkConnector
{
    public string Kind => "console";

    public Type GrainInterface => typeof(IConsoleSinkGrain);

    public void Validate(SinkSpec spec, string path) => SinkSettings.RequireKnown(spec, path, this);

    public string Target(SinkSpec spec, string queryName, Guid queryId) => queryName;

    public string Describe(SinkSpec spec) => "ConsoleSink";
}
