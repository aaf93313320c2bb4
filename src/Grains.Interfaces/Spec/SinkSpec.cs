namespace Sluice.Spec;

/// <summary>A sink: <c>memory</c> (readable by query name through the client) or <c>console</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record SinkSpec
{
    [Id(0)] public required string Kind { get; init; }

    /// <summary>Rows a console sink prints per batch (Spark's <c>numRows</c>, default 20).</summary>
    [Id(1)] public int NumRows { get; init; } = 20;

    [Id(2)] public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
