namespace Sluice.Contracts;

/// <summary>Where a query is in its life.</summary>
[Alias("sluice.QueryState")]
public enum QueryState
{
    Active,
    /// <summary>Stopped by a user.</summary>
    Stopped,
    /// <summary>Finished on its own (trigger <c>availableNow</c> or <c>once</c>).</summary>
    Completed,
    Failed,
}

/// <summary>A query's identity and status.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.QueryInfo")]
public sealed record QueryInfo
{
    [Id(0)] public Guid Id { get; init; }
    [Id(1)] public Guid RunId { get; init; }
    [Id(2)] public string Name { get; init; } = "";
    [Id(3)] public QueryState State { get; init; }
    /// <summary>The failure's message, when <see cref="State"/> is <see cref="QueryState.Failed"/>.</summary>
    [Id(4)] public string? Error { get; init; }
    [Id(5)] public string CheckpointLocation { get; init; } = "";
    /// <summary>What the loop is doing now: <c>Waiting for data to arrive</c>, <c>Processing new data</c>, ...</summary>
    [Id(6)] public string Message { get; init; } = "";
    [Id(7)] public long LastCommittedBatchId { get; init; } = -1;
    [Id(8)] public string SinkKind { get; init; } = "";

    /// <summary>The trigger, as Spark prints it: <c>ProcessingTime(1 second)</c>, <c>Default</c>, <c>AvailableNow</c>, ...</summary>
    [Id(9)] public string Trigger { get; init; } = "";

    /// <summary>The trigger interval in milliseconds (processingTime triggers; 0 otherwise).</summary>
    [Id(10)] public long TriggerIntervalMs { get; init; }

    /// <summary>With <c>availableNow</c>/<c>once</c>: offsets to process in this run, over all partitions.</summary>
    [Id(11)] public long? BacklogTotal { get; init; }

    /// <summary>With <c>availableNow</c>/<c>once</c>: offsets processed so far in this run.</summary>
    [Id(12)] public long? BacklogDone { get; init; }

    public bool IsActive => State == QueryState.Active;
}
