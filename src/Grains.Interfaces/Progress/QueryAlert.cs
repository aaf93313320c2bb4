namespace Sluice.Progress;

/// <summary>An alert from the seed's checklist, computed from a query's recent progress.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.QueryAlert")]
public sealed record QueryAlert(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Severity,
    [property: Id(2)] string Message);
