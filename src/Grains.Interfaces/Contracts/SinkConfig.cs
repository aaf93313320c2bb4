using Sluice.Spec;

namespace Sluice.Contracts;

/// <summary>What a sink writer needs to know of its query.</summary>
[GenerateSerializer, Immutable, Alias("sluice.SinkConfig")]
public sealed record SinkConfig(
    [property: Id(0)] SinkSpec Sink,
    [property: Id(1)] Guid QueryId,
    [property: Id(2)] string QueryName);

/// <summary>The Kafka sink writer of a query (key: <see cref="SinkGrainId"/> <c>kafka|&lt;query id&gt;</c>): one transaction per batch.</summary>
[Alias("sluice.sink.kafka")]
public interface IKafkaSinkGrain : ISinkGrain;

/// <summary>The foreachBatch sink of a query (key: <c>foreachBatch|&lt;query id&gt;</c>): calls a registered handler with each committed batch.</summary>
[Alias("sluice.sink.foreach-batch")]
public interface IForeachBatchSinkGrain : ISinkGrain;

/// <summary>The stream sink of a query (key: <c>stream|&lt;query name&gt;</c>): publishes each committed batch on an Orleans stream.</summary>
[Alias("sluice.sink.stream")]
public interface IStreamSinkGrain : ISinkGrain;
