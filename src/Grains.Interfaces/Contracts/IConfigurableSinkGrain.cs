using Orleans.Concurrency;
using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>What a sink writer needs to know of its query.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SinkConfig")]
public sealed record SinkConfig(
    [property: Id(0)] SinkSpec Sink,
    [property: Id(1)] Guid QueryId,
    [property: Id(2)] string QueryName);

/// <summary>A sink writer that is told its settings before each commit (a reactivated writer never lacks them).</summary>
[Alias("sluice.sink.configurable")]
public interface IConfigurableSinkGrain : ISinkGrain
{
    Task ConfigureAsync(Immutable<SinkConfig> config);
}

/// <summary>The Kafka sink writer of a query (key: query id): one transaction per batch.</summary>
[Alias("sluice.sink.kafka")]
public interface IKafkaSinkGrain : IConfigurableSinkGrain;

/// <summary>The foreachBatch sink of a query (key: query id): calls a registered handler with each committed batch.</summary>
[Alias("sluice.sink.foreach-batch")]
public interface IForeachBatchSinkGrain : IConfigurableSinkGrain;

/// <summary>The stream sink of a query (key: query name): publishes each committed batch on an Orleans stream.</summary>
[Alias("sluice.sink.stream")]
public interface IStreamSinkGrain : IConfigurableSinkGrain;
