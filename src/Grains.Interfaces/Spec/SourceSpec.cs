namespace Sluice.Spec;

/// <summary>
/// A stream source. <see cref="Kind"/> names a source connector registered on the silo (<c>kafka</c>, <c>rate</c>,
/// <c>memory</c>, <c>files</c>, <c>socket</c>, <c>generator</c>, ...); the other fields apply per kind, and fields only one kind
/// reads are in <see cref="Settings"/>.
/// <c>table</c> is a static table for stream-static joins: <see cref="Rows"/> inline, or JSON-lines files under <see cref="Path"/>.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SourceSpec")]
public sealed record SourceSpec
{
    [Id(0)] public required string Kind { get; init; }

    /// <summary>The stream's name, used by scenarios (<c>addData</c>) and progress; defaults per kind.</summary>
    [Id(1)] public string? Name { get; init; }

    /// <summary>Column name to Spark type name, in order (kafka <c>json</c> format and memory sources).</summary>
    [Id(2)] public IReadOnlyList<KeyValuePair<string, string>> Schema { get; init; } = [];

    /// <summary>Kafka bootstrap servers; absent means the silo's configured (or embedded) Kafka.</summary>
    [Id(3)] public string? BootstrapServers { get; init; }

    [Id(4)] public string? Topic { get; init; }

    /// <summary><c>earliest</c>, <c>latest</c>, or Spark's JSON form <c>{"topic":{"0":23,"1":-2}}</c> (-2 earliest, -1 latest).</summary>
    [Id(5)] public string StartingOffsets { get; init; } = "latest";

    /// <summary>Cap on records per batch over all partitions; null for no cap.</summary>
    [Id(6)] public long? MaxOffsetsPerTrigger { get; init; }

    /// <summary>Kafka value format: <c>json</c> (parse into <see cref="Schema"/>) or <c>raw</c> (Spark's Kafka columns).</summary>
    [Id(7)] public string Format { get; init; } = "json";

    /// <summary>Malformed-record mode: <c>PERMISSIVE</c>, <c>DROPMALFORMED</c> or <c>FAILFAST</c>.</summary>
    [Id(8)] public string Mode { get; init; } = "PERMISSIVE";

    /// <summary>Rows per second of a <c>rate</c> source.</summary>
    [Id(9)] public long RowsPerSecond { get; init; } = 1;

    /// <summary>Extra settings passed to the Kafka consumer (<c>kafka.*</c> in Spark).</summary>
    [Id(10)] public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>A <c>table</c> source's folder (or file) of JSON lines, read when the query starts.</summary>
    [Id(11)] public string? Path { get; init; }

    /// <summary>A <c>table</c> source's rows, as JSON objects.</summary>
    [Id(12)] public IReadOnlyList<string> Rows { get; init; } = [];

    /// <summary>
    /// Fields of this kind's connector beyond the common ones (a files source's <c>maxFilesPerTrigger</c>), each as
    /// raw JSON text; the connector reads them and refuses a field it does not know.
    /// </summary>
    [Id(13)] public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
