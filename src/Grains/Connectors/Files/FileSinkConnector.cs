using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Connectors.Files;

/// <summary>The <c>parquet</c> and <c>json</c> file sinks (one connector per format): data files, then a manifest entry per batch.</summary>
internal sealed class FileSinkConnector(FileSinkFormat format) : ISinkConnector
{
    public string Kind => format.Name;

    public Type GrainInterface => typeof(IFileSinkGrain);

    public void Validate(SinkSpec spec, string path)
    {
        SinkSettings.RequireKnown(spec, path, this);
        SinkSettings.RequirePath(spec, path);
    }

    public SinkSpec Confine(SinkSpec spec, ConnectorGuard guard)
    {
        // Confine runs before Validate: a missing path is named here, not met as a null.
        guard.DataPath(SinkSettings.RequirePath(spec, "$.sink"), $"The {Kind} sink's path");
        return spec;
    }

    public void CheckPlan(QuerySpec spec, StreamSchema output)
    {
        if (spec.OutputMode != OutputMode.Append)
        {
            throw QueryPlanner.Invalid("$.outputMode",
                $"Data source {Kind} does not support {spec.OutputMode} output mode; file sinks only append (write the result to a memory, kafka or foreachBatch sink instead)");
        }
        try
        {
            format.Validate(output);
        }
        catch (NotSupportedException e)
        {
            throw QueryPlanner.Invalid("$.sink", e.Message);
        }
    }

    public string Target(SinkSpec spec, string queryName, Guid queryId) => FileSinkId.From(spec).Path;

    public string Describe(SinkSpec spec) => $"FileSink[{spec.Path}]";
}
