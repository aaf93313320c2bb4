using System.Linq.Expressions;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Client.Typed;

/// <summary>
/// A stream of <typeparamref name="T"/> rows, queried with C# lambdas that translate to the same spec (Spark SQL
/// expressions) as the string API of <see cref="StreamFrame"/>: <c>Where(e =&gt; e.Amount &gt; 10)</c> is
/// <c>Where("amount &gt; 10.0")</c>. A property is the column <see cref="TypedRows.ColumnName"/> names. What has no
/// translation throws <see cref="NotSupportedException"/> naming it, when the operator is added.
/// </summary>
/// <typeparam name="T">The row type: one property per column.</typeparam>
public sealed class StreamFrame<T>
{
    internal StreamFrame(StreamFrame untyped) => Untyped = untyped;

    /// <summary>The same stream in the string API (the spec so far).</summary>
    public StreamFrame Untyped { get; }

    /// <summary>Keeps rows where <paramref name="predicate"/> is true (Spark's <c>filter</c>; a NULL comparison drops the row, as in Spark).</summary>
    public StreamFrame<T> Where(Expression<Func<T, bool>> predicate) => new(Untyped.Where(SqlTranslator.Translate(predicate)));

    /// <summary>A projection: each property of the object <paramref name="selector"/> builds is a column (Spark's <c>selectExpr</c>).</summary>
    public StreamFrame<TOut> Select<TOut>(Expression<Func<T, TOut>> selector) =>
        new(Untyped.Select([.. Projection.Columns(selector, "Select")]));

    /// <summary>Declares the event-time property and how late rows may be (Spark's <c>withWatermark</c>).</summary>
    public StreamFrame<T> WithWatermark(Expression<Func<T, DateTime>> eventTime, TimeSpan delay) =>
        new(Untyped.WithWatermark(ColumnOf(eventTime), Durations.Format(delay)));

    /// <summary>Groups by the properties of <paramref name="keys"/> (columns, <see cref="Functions.Window(DateTime, TimeSpan)"/>, ...); aggregate with <see cref="GroupedFrame{T, TKey}.Agg"/>.</summary>
    public GroupedFrame<T, TKey> GroupBy<TKey>(Expression<Func<T, TKey>> keys) => new(Untyped, Projection.Columns(keys, "GroupBy"));

    /// <summary>Drops rows whose <paramref name="keys"/> were seen before (Spark's <c>dropDuplicates</c>): one property, or an object of several.</summary>
    public StreamFrame<T> DropDuplicates<TKey>(Expression<Func<T, TKey>> keys) =>
        new(Untyped.DropDuplicates([.. Projection.Keys(keys, "DropDuplicates")]));

    /// <summary>Drops rows whose columns were all seen before.</summary>
    public StreamFrame<T> DropDuplicates() => new(Untyped.DropDuplicates());

    /// <summary>Spark's <c>dropDuplicatesWithinWatermark</c> on <paramref name="keys"/>.</summary>
    public StreamFrame<T> DropDuplicatesWithinWatermark<TKey>(Expression<Func<T, TKey>> keys) =>
        new(Untyped.DropDuplicatesWithinWatermark([.. Projection.Keys(keys, "DropDuplicatesWithinWatermark")]));

    /// <summary>Spark's <c>union</c>: this stream's rows and <paramref name="other"/>'s.</summary>
    public StreamFrame<T> Union(StreamFrame<T> other) => new(Untyped.Union(other.Untyped));

    /// <summary>
    /// Joins with <paramref name="right"/> on <paramref name="condition"/> (an equality of keys, and for stream-stream outer
    /// joins a time range); rows come back as <see cref="Joined{TLeft, TRight}"/>. Column names must differ between the sides.
    /// </summary>
    public StreamFrame<Joined<T, TRight>> Join<TRight>(StreamFrame<TRight> right, Expression<Func<T, TRight, bool>> condition, JoinType joinType = JoinType.Inner) =>
        new(Untyped.Join(right.Untyped, SqlTranslator.Translate(condition), JoinName(joinType)));

    /// <summary>Spark's <c>leftSemi</c> join: the left rows that have a match, once each.</summary>
    public StreamFrame<T> SemiJoin<TRight>(StreamFrame<TRight> right, Expression<Func<T, TRight, bool>> condition) =>
        new(Untyped.Join(right.Untyped, SqlTranslator.Translate(condition), "leftSemi"));

    /// <summary>
    /// Spark's <c>flatMapGroupsWithState</c> with a typed processor (its class must also be loaded by the silo; the spec
    /// names it by <see cref="StatefulProcessor{TState}.Name"/>). <paramref name="key"/>: one property, or an object of several.
    /// </summary>
    public StreamFrame<TOut> FlatMapGroupsWithState<TKey, TState, TOut>(
        Expression<Func<T, TKey>> key, StatefulProcessor<TKey, T, TState, TOut> processor,
        GroupStateTimeout timeout = GroupStateTimeout.None, OutputMode outputMode = OutputMode.Update) =>
        new(Untyped.FlatMapGroupsWithState([.. Projection.Keys(key, "the key")], processor.Name, TimeoutName(timeout), outputMode.ToString()));

    /// <summary>Spark's <c>mapGroupsWithState</c>: the processor returns one row per call (update mode).</summary>
    public StreamFrame<TOut> MapGroupsWithState<TKey, TState, TOut>(
        Expression<Func<T, TKey>> key, StatefulProcessor<TKey, T, TState, TOut> processor, GroupStateTimeout timeout = GroupStateTimeout.None) =>
        new(Untyped.MapGroupsWithState([.. Projection.Keys(key, "the key")], processor.Name, TimeoutName(timeout)));

    /// <summary>Describes the sink, output mode, trigger and checkpoint.</summary>
    public DataStreamWriter WriteStream() => Untyped.WriteStream();

    /// <summary>The rows of the memory sink of the query <paramref name="queryName"/> started from this frame, as <typeparamref name="T"/>.</summary>
    public Task<IReadOnlyList<T>> ReadMemorySinkAsync(string queryName) => Untyped.Client.ReadMemorySinkAsync<T>(queryName);

    private static string ColumnOf(LambdaExpression selector) =>
        selector.Body is MemberExpression m && new SqlTranslator(selector.Parameters).IsRow(m.Expression)
            ? TypedRows.ColumnName(m.Member)
            : throw SqlTranslator.Unsupported(selector.Body, "the event time must be a property of the row, e.g. e => e.EventTime");

    private static string TimeoutName(GroupStateTimeout timeout) => timeout switch
    {
        GroupStateTimeout.ProcessingTime => "processingTime",
        GroupStateTimeout.EventTime => "eventTime",
        _ => "none",
    };

    private static string JoinName(JoinType type) => type switch
    {
        JoinType.LeftOuter => "leftOuter",
        JoinType.RightOuter => "rightOuter",
        JoinType.FullOuter => "fullOuter",
        _ => "inner",
    };
}
