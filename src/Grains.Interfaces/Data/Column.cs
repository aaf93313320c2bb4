namespace Sluice.Data;

/// <summary>A named, typed column of a stream's schema (or a struct's field).</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.Column")]
public sealed record Column([property: Id(0)] string Name, [property: Id(1)] DataType Type);
