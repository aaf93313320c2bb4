using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Connectors.ForeachBatch;

/// <summary>The <c>foreachBatch</c> sink: a registered handler called with each batch (at least once; exactly once when idempotent by batch id).</summary>
internal sealed class ForeachBatchSinkConnector : ISinkConnector
{
    public string Kind => "foreachBatch";

    public Type GrainInterface => typeof(IForeachBatchSinkGrain);

    public void Validate(SinkSpec spec, string path)
    {
        SinkSettings.RequireKnown(spec, path, this);
        if (spec.Handler is null)
        {
            throw new SpecException(path + ".handler", "a foreachBatch sink needs the name of a registered handler");
        }
    }

    public void CheckPlan(QuerySpec spec, StreamSchema output)
    {
        try
        {
            ProcessorRegistry.ResolveHandler(spec.Sink.Handler!);
        }
        catch (KeyNotFoundException e)
        {
            throw QueryPlanner.Invalid("$.sink.handler", e.Message);
        }
    }

    public string Target(SinkSpec spec, string queryName, Guid queryId) => queryId.ToString("N");

    public string Describe(SinkSpec spec) => $"ForeachBatchSink[{spec.Handler}]";
}
