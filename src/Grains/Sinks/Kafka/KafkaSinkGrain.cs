using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Hosting;
using Sluice.Spec;

namespace Sluice.Sinks.Kafka;

/// <summary>The Kafka sink: stages a batch's rows, then writes them in one transaction at commit (see <see cref="KafkaSinkWriter"/>).</summary>
internal sealed class KafkaSinkGrain(IOptions<SluiceOptions> options) : Grain, IKafkaSinkGrain
{
    private readonly StagedBatches _staged = new();
    private SinkConfig? _config;
    private KafkaSinkWriter? _writer;

    public Task ConfigureAsync(Immutable<SinkConfig> config)
    {
        _config = config.Value;
        return Task.CompletedTask;
    }

    public Task StageAsync(long batchId, string writerId, Immutable<RowBatch> rows)
    {
        _staged.Stage(batchId, writerId, rows.Value);
        return Task.CompletedTask;
    }

    public Task<long> CommitAsync(long batchId, OutputMode mode, StreamSchema schema)
    {
        var config = _config ?? throw new InvalidOperationException("the Kafka sink was not configured before its commit");
        var rows = _staged.TakeForCommit(batchId);
        if (rows is null)
        {
            return Task.FromResult(ISinkGrain.AlreadyCommitted);
        }
        var bootstrap = config.Sink.BootstrapServers ?? options.Value.KafkaBootstrapServers
            ?? throw new InvalidOperationException("the Kafka sink has no bootstrapServers and the silo has no Kafka configured");
        _writer ??= new KafkaSinkWriter(config.Sink.Topic!, bootstrap, config.QueryId, writer: 0);
        var key = config.Sink.Key is { } k ? ExpressionCompiler.Compile(k, schema) : null;
        return Task.Run(() => _writer.Write(batchId, schema, rows, key));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _writer?.Dispose();
        return Task.CompletedTask;
    }
}
