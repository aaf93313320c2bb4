using System.Linq.Expressions;

namespace Sluice.Client.Typed;

/// <summary>A typed stream grouped by <typeparamref name="TKey"/>, waiting for its aggregates.</summary>
public sealed class GroupedFrame<T, TKey>
{
    private readonly StreamFrame _untyped;
    private readonly IReadOnlyList<string> _keys;

    internal GroupedFrame(StreamFrame untyped, IReadOnlyList<string> keys)
    {
        _untyped = untyped;
        _keys = keys;
    }

    /// <summary>
    /// The aggregates, each a property: <c>g =&gt; new { Revenue = g.Sum(e =&gt; e.Amount), N = g.Count() }</c>. Rows come back
    /// as <see cref="Keyed{TKey, TValue}"/>: the keys, then the aggregates, as Spark's output columns.
    /// </summary>
    public StreamFrame<Keyed<TKey, TAgg>> Agg<TAgg>(Expression<Func<IAggregates<T>, TAgg>> aggregates) =>
        new(_untyped.GroupBy(_keys, Projection.Aggregates(aggregates)));
}
