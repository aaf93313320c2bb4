using Sluice.Progress;

namespace Sluice.Contracts;

/// <summary>Spark's StreamingQueryListener events.</summary>
[Alias("sluice.QueryEventKind")]
public enum QueryEventKind
{
    Started,
    Progress,
    Idle,
    Terminated,
}

/// <summary>An event of a query's life, published on the Orleans stream <see cref="QueryEvents"/>.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.QueryListenerEvent")]
public sealed record QueryListenerEvent(
    [property: Id(0)] QueryEventKind Kind,
    [property: Id(1)] QueryInfo Query,
    [property: Id(2)] QueryProgress? Progress,
    [property: Id(3)] DateTimeOffset Timestamp);

/// <summary>Where listener events are published: stream provider <see cref="Provider"/>, one stream for every query.</summary>
public static class QueryEvents
{
    /// <summary>The name of the Orleans stream provider (memory streams in embedded mode), on silos and clients.</summary>
    public const string Provider = "sluice";

    /// <summary>The stream's namespace and key (<c>StreamId.Create(Namespace, Key)</c>).</summary>
    public const string Namespace = "sluice.queries";

    public const string Key = "all";
}
