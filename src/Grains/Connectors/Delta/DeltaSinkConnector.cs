using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.Storage;

namespace Sluice.Connectors.Delta;

/// <summary>
/// The <c>delta</c> sink: Parquet files and a Delta Lake transaction log, one version per batch, with the query's
/// batch id in a <c>txn</c> action so a replayed batch is recognized (as Spark's Delta sink). Local folders only: a
/// Delta commit on object storage needs a log store that makes the version file's creation exclusive.
/// </summary>
internal sealed class DeltaSinkConnector : ISinkConnector
{
    public string Kind => "delta";

    public Type GrainInterface => typeof(IDeltaSinkGrain);

    public void Validate(SinkSpec spec, string path)
    {
        SinkSettings.RequireKnown(spec, path, this);
        var table = SinkSettings.RequirePath(spec, path);
        if (table.Contains("://", StringComparison.Ordinal))
        {
            throw new SpecException(path + ".path", $"the delta sink writes local or shared folders only, not '{table}'");
        }
    }

    public SinkSpec Confine(SinkSpec spec, ConnectorGuard guard)
    {
        guard.DataPath(SinkSettings.RequirePath(spec, "$.sink"), "The delta sink's path");
        return spec;
    }

    public void CheckPlan(QuerySpec spec, StreamSchema output)
    {
        if (spec.OutputMode == OutputMode.Update)
        {
            throw QueryPlanner.Invalid("$.outputMode", "Data source delta does not support Update output mode; use append, or complete (each batch replaces the table)");
        }
        try
        {
            _ = DeltaSchema.ToJson(output);
        }
        catch (NotSupportedException e)
        {
            throw QueryPlanner.Invalid("$.sink", e.Message);
        }
    }

    public string Target(SinkSpec spec, string queryName, Guid queryId) => Files.FileSinkId.Normalize(spec.Path!);

    public string Describe(SinkSpec spec) => $"DeltaSink[{spec.Path}]";
}
