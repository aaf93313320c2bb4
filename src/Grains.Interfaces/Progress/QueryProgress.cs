namespace Sluice.Progress;

/// <summary>
/// One micro-batch's report, with Spark's <c>StreamingQueryProgress</c> field names and nesting
/// (<see cref="ProgressJson"/> writes it as Spark does).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.QueryProgress")]
public sealed record QueryProgress
{
    [Id(0)] public Guid Id { get; init; }
    [Id(1)] public Guid RunId { get; init; }
    [Id(2)] public string Name { get; init; } = "";
    /// <summary>The batch's start, ISO-8601 UTC.</summary>
    [Id(3)] public string Timestamp { get; init; } = "";
    [Id(4)] public long BatchId { get; init; }
    [Id(5)] public long BatchDuration { get; init; }
    [Id(6)] public long NumInputRows { get; init; }
    [Id(7)] public double InputRowsPerSecond { get; init; }
    [Id(8)] public double ProcessedRowsPerSecond { get; init; }
    /// <summary>Phase timings: <c>latestOffset</c>, <c>walCommit</c>, <c>addBatch</c>, <c>commitOffsets</c>, <c>triggerExecution</c>.</summary>
    [Id(9)] public IReadOnlyDictionary<string, long> DurationMs { get; init; } = new Dictionary<string, long>();
    /// <summary><c>min</c>, <c>max</c>, <c>avg</c> event time of the batch and the <c>watermark</c>, ISO-8601 UTC.</summary>
    [Id(10)] public IReadOnlyDictionary<string, string> EventTime { get; init; } = new Dictionary<string, string>();
    [Id(11)] public IReadOnlyList<StateOperatorProgress> StateOperators { get; init; } = [];
    [Id(12)] public IReadOnlyList<SourceProgress> Sources { get; init; } = [];
    [Id(13)] public SinkProgress Sink { get; init; } = new();
}

/// <summary>Spark's <c>SourceProgress</c>; offsets as <c>{"topic": {"partition": offset}}</c> like Spark's Kafka source.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SourceProgress")]
public sealed record SourceProgress
{
    [Id(0)] public string Description { get; init; } = "";
    [Id(1)] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? StartOffset { get; init; }
    [Id(2)] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? EndOffset { get; init; }
    [Id(3)] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? LatestOffset { get; init; }
    [Id(4)] public long NumInputRows { get; init; }
    [Id(5)] public double InputRowsPerSecond { get; init; }
    [Id(6)] public double ProcessedRowsPerSecond { get; init; }
    /// <summary>Source metrics as strings, as Spark's; includes <c>numMalformedRecords</c> and <c>numDroppedMalformedRecords</c>.</summary>
    [Id(7)] public IReadOnlyDictionary<string, string> Metrics { get; init; } = new Dictionary<string, string>();
}

/// <summary>Spark's <c>StateOperatorProgress</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.StateOperatorProgress")]
public sealed record StateOperatorProgress
{
    [Id(0)] public string OperatorName { get; init; } = "";
    [Id(1)] public long NumRowsTotal { get; init; }
    [Id(2)] public long NumRowsUpdated { get; init; }
    [Id(3)] public long NumRowsRemoved { get; init; }
    [Id(4)] public long NumRowsDroppedByWatermark { get; init; }
    [Id(5)] public long MemoryUsedBytes { get; init; }
    [Id(6)] public long CommitTimeMs { get; init; }
    [Id(7)] public IReadOnlyDictionary<string, long> CustomMetrics { get; init; } = new Dictionary<string, long>();
}

/// <summary>Spark's <c>SinkProgress</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SinkProgress")]
public sealed record SinkProgress
{
    [Id(0)] public string Description { get; init; } = "";
    [Id(1)] public long NumOutputRows { get; init; }
}
