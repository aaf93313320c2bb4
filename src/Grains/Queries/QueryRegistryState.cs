namespace Sluice.Queries;

/// <summary>What the query manager persists: each query's spec (as its JSON text) and whether it should run.</summary>
[GenerateSerializer]
[Alias("sluice.QueryRegistryState")]
internal sealed class QueryRegistryState
{
    [Id(0)] public Dictionary<string, RegisteredQuery> Queries { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer]
[Alias("sluice.RegisteredQuery")]
internal sealed class RegisteredQuery
{
    [Id(0)] public string SpecJson { get; set; } = "";

    /// <summary>True while the query should run: set by a start, cleared by a stop or when the run ended on its own.</summary>
    [Id(1)] public bool ShouldRun { get; set; }

    [Id(2)] public Guid QueryId { get; set; }
}
