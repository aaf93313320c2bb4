using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>The <c>kafka</c> source: a topic's partitions, read by offset range (Spark's Kafka source).</summary>
internal sealed class KafkaSourceConnector(IOptions<SluiceOptions> options) : ISourceConnector
{
    public string Kind => "kafka";

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        if (spec.Topic is null)
        {
            throw new SpecException(path + ".topic", "a kafka source needs a topic");
        }
        if (spec.Format is not (KafkaSchemas.JsonFormat or KafkaSchemas.RawFormat))
        {
            throw new SpecException(path + ".format", $"a kafka source reads format json or raw, not '{spec.Format}'");
        }
        if (spec.Format == KafkaSchemas.JsonFormat)
        {
            SourceSchema.Require(spec, path, "a kafka source with format json");
        }
        KafkaSparkOptions.Check(spec, path);
    }

    public SourceSpec Confine(SourceSpec spec, ConnectorGuard guard)
    {
        guard.Kafka(spec.Options, spec.BootstrapServers, $"The kafka source on topic '{spec.Topic}'");
        return spec;
    }

    public StreamSchema Schema(SourceSpec spec) => KafkaSchemas.For(spec);

    public IStreamSource CreateSource(SourceContext context) => new KafkaStreamSource(context.Spec, BootstrapServers(context.Spec));

    public IPartitionReader CreateReader(ReaderContext context) =>
        new KafkaPartitionReader(context.Spec, BootstrapServers(context.Spec), context.Partition, context.Schema, settings: options.Value.KafkaReaderSettings);

    public IOffsetCommitter CreateOffsetCommitter(SourceContext context) =>
        new KafkaOffsetCommitter(context.Spec, BootstrapServers(context.Spec), context.QueryName);

    private string BootstrapServers(SourceSpec spec) =>
        spec.BootstrapServers ?? options.Value.KafkaBootstrapServers
        ?? throw new InvalidOperationException(
            "No Kafka bootstrap servers: set the source's bootstrapServers, or Sluice:KafkaBootstrapServers on the silo, " +
            "or run the silo in embedded mode (no bootstrap servers configured) so it starts its embedded Kafka.");
}
