using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Hosting;
using Sluice.Sinks;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>The Kafka sink: stages a batch's rows, then writes them in one transaction at commit (see <see cref="KafkaSinkWriter"/>).</summary>
[GrainType("sluice.sink.kafka")]
internal sealed class KafkaSinkGrain(IOptions<SluiceOptions> options) : SinkWriterGrain, Contracts.IKafkaSinkGrain
{
    private KafkaSinkWriter? _writer;

    protected override async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, List<object?[]> rows)
    {
        var config = RequireConfig("Kafka");
        var bootstrap = config.Sink.BootstrapServers ?? options.Value.KafkaBootstrapServers
            ?? throw new InvalidOperationException("the Kafka sink has no bootstrapServers and the silo has no Kafka configured");
        var writer = _writer ??= new KafkaSinkWriter(config.Sink.Topic, bootstrap, config.QueryId, writer: 0);
        var records = KafkaSinkRecords.For(config.Sink, schema);
        try
        {
            return await Task.Run(() => writer.Write(batchId, rows, records, () => SinkWriteFault(batchId)));
        }
        catch
        {
            // The producer may be unusable (fenced, fatal error), and a commit reported as failed may have landed: the
            // replay gets a new writer, which reads the topic for the last batch again.
            _writer = null;
            writer.Dispose();
            throw;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _writer?.Dispose();
        return Task.CompletedTask;
    }
}
