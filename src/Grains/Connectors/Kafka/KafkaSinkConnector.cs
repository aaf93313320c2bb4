using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Evaluation;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>The <c>kafka</c> sink: one transaction per batch, with the batch id recorded so a replay writes nothing.</summary>
internal sealed class KafkaSinkConnector : ISinkConnector
{
    public string Kind => "kafka";

    public Type GrainInterface => typeof(IKafkaSinkGrain);

    public IReadOnlyList<string> Settings => ["format"];

    public void Validate(SinkSpec spec, string path)
    {
        SinkSettings.RequireKnown(spec, path, this);
        var raw = KafkaSinkRecords.IsRaw(spec, path);
        // Format raw names a missing topic with the output's columns in view (CheckPlan), as Spark does.
        if (spec.Topic is null && !raw)
        {
            throw new SpecException(path + ".topic", "a kafka sink needs a topic");
        }
    }

    public SinkSpec Confine(SinkSpec spec, ConnectorGuard guard)
    {
        guard.Kafka(null, spec.BootstrapServers, spec.Topic is null ? "The kafka sink" : $"The kafka sink on topic '{spec.Topic}'");
        return spec;
    }

    public void CheckPlan(QuerySpec spec, StreamSchema output)
    {
        if (KafkaSinkRecords.Problem(spec.Sink, output) is { } problem)
        {
            throw QueryPlanner.Invalid("$.sink", problem);
        }
        if (spec.Sink.Key is { } key)
        {
            var compiled = QueryPlanner.Compile("$.sink.key", () => ExpressionCompiler.Compile(key, output));
            if (BatchTime.IsUsedBy(compiled.Syntax))
            {
                throw QueryPlanner.Invalid("$.sink.key", BatchTime.OutsideBatchProblem("the kafka sink's key (written when the batch commits)"));
            }
        }
    }

    public string Target(SinkSpec spec, string queryName, Guid queryId) => queryId.ToString("N");

    public string Describe(SinkSpec spec) => $"KafkaSink[{spec.Topic ?? "topic column"}]";
}
