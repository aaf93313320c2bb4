namespace Sluice.Spec;

/// <summary>
/// A sink, by the kind of a sink connector registered on the silo: <c>memory</c> (readable by query name through the client), <c>console</c>, <c>parquet</c> and <c>json</c>
/// files (<see cref="Path"/>), <c>kafka</c> (<see cref="Topic"/>), <c>foreachBatch</c> (<see cref="Handler"/>) or
/// <c>stream</c> (an Orleans stream named after the query), <c>delta</c> (a Delta Lake table at <see cref="Path"/>).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SinkSpec")]
public sealed record SinkSpec
{
    [Id(0)] public required string Kind { get; init; }

    /// <summary>Rows a console sink prints per batch (Spark's <c>numRows</c>, default 20).</summary>
    [Id(1)] public int NumRows { get; init; } = 20;

    /// <summary>Options the sink's writer reads (each sink connector declares the ones it knows): any other fails the query at start.</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>The output folder of a <c>parquet</c> or <c>json</c> sink (relative paths resolve under the silo's checkpoint root).</summary>
    [Id(3)] public string? Path { get; init; }

    /// <summary>The topic of a <c>kafka</c> sink.</summary>
    [Id(4)] public string? Topic { get; init; }

    /// <summary>Bootstrap servers of a <c>kafka</c> sink; absent means the silo's Kafka.</summary>
    [Id(5)] public string? BootstrapServers { get; init; }

    /// <summary>The registered name of a <c>foreachBatch</c> handler.</summary>
    [Id(6)] public string? Handler { get; init; }

    /// <summary>A <c>kafka</c> sink's record key: an expression over the output columns (absent: no key).</summary>
    [Id(7)] public string? Key { get; init; }

    /// <summary>Fields of this kind's connector beyond the common ones, as raw JSON text (see <see cref="SourceSpec.Settings"/>).</summary>
    [Id(8)] public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
