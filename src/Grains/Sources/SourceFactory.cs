using System.Globalization;
using Microsoft.Extensions.Options;
using Sluice.Checkpointing;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Sources.Generator;
using Sluice.Sources.Kafka;
using Sluice.Sources.Memory;
using Sluice.Sources.Rate;
using Sluice.Spec;

namespace Sluice.Sources;

/// <summary>Creates the planning and reading sides of a source from its spec.</summary>
internal sealed class SourceFactory(IGrainFactory grains, IOptions<SluiceOptions> options, SluiceClock time)
{
    /// <summary>The stream's name: the spec's <c>name</c>, else the topic (Kafka) or the query's name.</summary>
    public static string StreamName(SourceSpec spec, string queryName) => spec.Name ?? spec.Topic ?? queryName;

    public IStreamSource CreateSource(SourceSpec spec, string queryName, ICheckpointStore checkpoint, int sourceIndex) => spec.Kind switch
    {
        "kafka" => new KafkaStreamSource(spec, BootstrapServers(spec)),
        "rate" => new RateStreamSource(checkpoint, sourceIndex, spec.RowsPerSecond, time),
        "memory" => new MemoryStreamSource(grains, StreamName(spec, queryName)),
        "generator" => new GeneratorStreamSource(spec, StreamName(spec, queryName)),
        "nexmark" => new Nexmark.NexmarkStreamSource(spec, StreamName(spec, queryName)),
        _ => throw new ArgumentException($"unknown source kind '{spec.Kind}'"),
    };

    /// <summary>The committer of processed offsets to the source's consumer group (Kafka only), or null.</summary>
    public IOffsetCommitter? CreateOffsetCommitter(SourceSpec spec, string queryName) =>
        spec.Kind == "kafka" ? new KafkaOffsetCommitter(spec, BootstrapServers(spec), queryName) : null;

    /// <summary>What readers of this source need from the planning side (the rate source's start time).</summary>
    public static string? ReaderContext(IStreamSource source) =>
        source is RateStreamSource rate ? rate.StartMs.ToString(CultureInfo.InvariantCulture) : null;

    public IPartitionReader CreateReader(SourceSpec spec, string queryName, int partition, StreamSchema schema, string? readerContext) => spec.Kind switch
    {
        "kafka" => new KafkaPartitionReader(spec, BootstrapServers(spec), partition, schema, settings: options.Value.KafkaReaderSettings),
        "rate" => new RatePartitionReader(long.Parse(readerContext!, CultureInfo.InvariantCulture), spec.RowsPerSecond),
        "memory" => new MemoryPartitionReader(grains, StreamName(spec, queryName), schema, Parsing.ParseModes.Parse(spec.Mode)),
        "generator" => new GeneratorPartitionReader(partition, GeneratorStreamSource.Partitions(spec)),
        "nexmark" => new Nexmark.NexmarkPartitionReader(spec, partition),
        _ => throw new ArgumentException($"unknown source kind '{spec.Kind}'"),
    };

    private string BootstrapServers(SourceSpec spec) =>
        spec.BootstrapServers ?? options.Value.KafkaBootstrapServers
        ?? throw new InvalidOperationException(
            "No Kafka bootstrap servers: set the source's bootstrapServers, or Sluice:KafkaBootstrapServers on the silo, " +
            "or run the silo in embedded mode (no bootstrap servers configured) so it starts its embedded Kafka.");
}
