namespace Sluice.Client.Typed;

/// <summary>
/// The rows of one group in a typed <c>Agg</c>: each method stands for a Spark aggregate (<c>g.Sum(e =&gt; e.Amount)</c> is
/// <c>sum(amount)</c>). Only expression lambdas use it; there is no implementation to call.
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
public interface IAggregates<T>
{
    /// <summary><c>count(*)</c>.</summary>
    long Count();

    /// <summary><c>count(col)</c>: rows where the value is not null.</summary>
    long Count<TValue>(Func<T, TValue> selector);

    /// <summary><c>sum(col)</c> of a floating-point column.</summary>
    double Sum(Func<T, double> selector);

    /// <summary><c>sum(col)</c> of a nullable floating-point column.</summary>
    double? Sum(Func<T, double?> selector);

    /// <summary><c>sum(col)</c> of an integral column (Spark sums ints as bigint).</summary>
    long Sum(Func<T, long> selector);

    /// <summary><c>sum(col)</c> of a nullable integral column.</summary>
    long? Sum(Func<T, long?> selector);

    /// <summary><c>avg(col)</c>.</summary>
    double Avg(Func<T, double> selector);

    /// <summary><c>min(col)</c>.</summary>
    TValue Min<TValue>(Func<T, TValue> selector);

    /// <summary><c>max(col)</c>.</summary>
    TValue Max<TValue>(Func<T, TValue> selector);

    /// <summary><c>first(col)</c>.</summary>
    TValue First<TValue>(Func<T, TValue> selector);

    /// <summary><c>last(col)</c>.</summary>
    TValue Last<TValue>(Func<T, TValue> selector);

    /// <summary><c>approx_count_distinct(col)</c> (HyperLogLog++).</summary>
    long ApproxCountDistinct<TValue>(Func<T, TValue> selector);
}
