namespace Sluice.Spec;

/// <summary>One operator of a query's pipeline; JSON: an object with <c>op</c> and the fields of that op.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.OperatorSpec")]
public abstract record OperatorSpec
{
    /// <summary>The spec's <c>op</c> name.</summary>
    public abstract string Op { get; }
}

/// <summary><c>{"op": "select", "columns": ["a", "upper(b) AS b"]}</c></summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SelectSpec")]
public sealed record SelectSpec([property: Id(0)] IReadOnlyList<string> Columns) : OperatorSpec
{
    public override string Op => "select";
}

/// <summary><c>{"op": "filter", "condition": "amount &gt;= 10"}</c></summary>
[GenerateSerializer, Immutable]
[Alias("sluice.FilterSpec")]
public sealed record FilterSpec([property: Id(0)] string Condition) : OperatorSpec
{
    public override string Op => "filter";
}

/// <summary><c>{"op": "withWatermark", "column": "event_time", "delay": "30 seconds"}</c></summary>
[GenerateSerializer, Immutable]
[Alias("sluice.WithWatermarkSpec")]
public sealed record WithWatermarkSpec([property: Id(0)] string Column, [property: Id(1)] TimeSpan Delay) : OperatorSpec
{
    public override string Op => "withWatermark";
}

/// <summary><c>{"op": "groupBy", "keys": [...], "aggs": [...]}</c></summary>
[GenerateSerializer, Immutable]
[Alias("sluice.GroupBySpec")]
public sealed record GroupBySpec([property: Id(0)] IReadOnlyList<string> Keys, [property: Id(1)] IReadOnlyList<string> Aggs) : OperatorSpec
{
    public override string Op => "groupBy";
}

/// <summary><c>{"op": "dropDuplicates", "columns": [...], "withinWatermark": false}</c>; no columns means all columns.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.DropDuplicatesSpec")]
public sealed record DropDuplicatesSpec([property: Id(0)] IReadOnlyList<string>? Columns, [property: Id(1)] bool WithinWatermark) : OperatorSpec
{
    public override string Op => "dropDuplicates";
}

/// <summary><c>flatMapGroupsWithState</c> or <c>mapGroupsWithState</c> with a registered processor.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.GroupsWithStateSpec")]
public sealed record GroupsWithStateSpec(
    [property: Id(0)] bool FlatMap,
    [property: Id(1)] IReadOnlyList<string> Keys,
    [property: Id(2)] string Processor,
    [property: Id(3)] string Timeout,
    [property: Id(4)] OutputMode OutputMode) : OperatorSpec
{
    public override string Op => FlatMap ? "flatMapGroupsWithState" : "mapGroupsWithState";
}

/// <summary>A second stream with its own source and operators (for <c>union</c> and <c>join</c>).</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.SubStreamSpec")]
public sealed record SubStreamSpec([property: Id(0)] SourceSpec Source, [property: Id(1)] IReadOnlyList<OperatorSpec> Operators);

/// <summary><c>{"op": "union", "other": {"source": {...}, "operators": [...]}}</c></summary>
[GenerateSerializer, Immutable]
[Alias("sluice.UnionSpec")]
public sealed record UnionSpec([property: Id(0)] SubStreamSpec Other) : OperatorSpec
{
    public override string Op => "union";
}

/// <summary><c>{"op": "join", "right": {...}, "joinType": "inner", "condition": "..."}</c></summary>
[GenerateSerializer, Immutable]
[Alias("sluice.JoinSpec")]
public sealed record JoinSpec([property: Id(0)] SubStreamSpec Right, [property: Id(1)] string JoinType, [property: Id(2)] string Condition) : OperatorSpec
{
    public override string Op => "join";
}
