namespace Sluice.Contracts;

/// <summary>A query that cannot start: a bad spec, a type error, a rule of the output mode, a busy checkpoint.</summary>
[GenerateSerializer]
[Alias("sluice.QueryStartException")]
public sealed class QueryStartException(string message) : Exception(message);

/// <summary>A query that failed while running; <see cref="Exception.Message"/> carries the cause.</summary>
[GenerateSerializer]
[Alias("sluice.StreamingQueryException")]
public sealed class StreamingQueryException(string message) : Exception(message);
