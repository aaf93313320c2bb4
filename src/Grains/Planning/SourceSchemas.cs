using Sluice.Data;
using Sluice.Sources.Generator;
using Sluice.Sources.Kafka;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>The schema a source produces, by kind and format.</summary>
internal static class SourceSchemas
{
    /// <summary>Spark's rate source: <c>timestamp</c>, <c>value</c>.</summary>
    public static readonly StreamSchema Rate = new([new Column("timestamp", DataType.Timestamp), new Column("value", DataType.Long)]);

    public static StreamSchema For(SourceSpec source) => source.Kind switch
    {
        "rate" => Rate,
        "kafka" => KafkaSchemas.For(source),
        "generator" => GeneratorPartitionReader.Schema,
        "nexmark" => Sources.Nexmark.NexmarkSchemas.For(source.Options),
        _ => FromSpec(source.Schema),
    };

    public static StreamSchema FromSpec(IReadOnlyList<KeyValuePair<string, string>> columns) =>
        new(columns.Select(c => new Column(c.Key, DataType.TryParse(c.Value, out var t) ? t : throw new ArgumentException($"unknown type '{c.Value}'"))).ToList());
}
