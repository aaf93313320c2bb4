namespace Sluice.Client.Typed;

/// <summary>
/// Spark functions for typed queries. They stand for Spark SQL inside expression lambdas (<c>GroupBy</c>, <c>Where</c>,
/// <c>Select</c>) and are never run in the client: calling one outside a lambda throws.
/// </summary>
public static class Functions
{
    /// <summary>A tumbling window of <paramref name="size"/> over an event-time column: <c>window(col, '5 minutes')</c>.</summary>
    public static TimeWindow Window(DateTime eventTime, TimeSpan size) => throw OnlyInExpressions();

    /// <summary>A sliding window: <c>window(col, size, slide)</c>.</summary>
    public static TimeWindow Window(DateTime eventTime, TimeSpan size, TimeSpan slide) => throw OnlyInExpressions();

    /// <summary>A session window that closes after <paramref name="gap"/> without rows: <c>session_window(col, gap)</c>.</summary>
    public static TimeWindow SessionWindow(DateTime eventTime, TimeSpan gap) => throw OnlyInExpressions();

    /// <summary>A Spark SQL expression written as a string, typed <typeparamref name="T"/>: the way out for what has no C# form.</summary>
    public static T Expr<T>(string sql) => throw OnlyInExpressions();

    /// <summary>A column by name, typed <typeparamref name="T"/> (a column the row type has no property for).</summary>
    public static T Col<T>(string name) => throw OnlyInExpressions();

    /// <summary>Spark's <c>LIKE</c>: <c>%</c> matches any text, <c>_</c> one character.</summary>
    public static bool Like(string? value, string pattern) => throw OnlyInExpressions();

    private static InvalidOperationException OnlyInExpressions() =>
        new("Sluice's Functions stand for Spark SQL inside typed query lambdas (Where, Select, GroupBy, ...); they do not run in the client.");
}

/// <summary>A time window (Spark's <c>window</c> struct): rows with <see cref="Start"/> &lt;= event time &lt; <see cref="End"/>.</summary>
/// <param name="Start">The window's first instant.</param>
/// <param name="End">The instant after the window.</param>
public sealed record TimeWindow(DateTime Start, DateTime End);

/// <summary>How a typed <c>FlatMapGroupsWithState</c> times out keys (Spark's <c>GroupStateTimeout</c>).</summary>
public enum GroupStateTimeout
{
    /// <summary>No timeout.</summary>
    None,

    /// <summary>Timeouts set with <c>SetTimeoutDuration</c>, against the batch's processing time.</summary>
    ProcessingTime,

    /// <summary>Timeouts set with <c>SetTimeoutTimestamp</c>, against the watermark.</summary>
    EventTime,
}

/// <summary>Join types of typed joins (Spark's names: <c>inner</c>, <c>leftOuter</c>, <c>rightOuter</c>, <c>fullOuter</c>).</summary>
public enum JoinType
{
    /// <summary>Matching rows only.</summary>
    Inner,

    /// <summary>Every left row; right columns are null (read them as nullable properties) where nothing matched.</summary>
    LeftOuter,

    /// <summary>Every right row; left columns are null where nothing matched.</summary>
    RightOuter,

    /// <summary>Every row of both sides.</summary>
    FullOuter,
}
