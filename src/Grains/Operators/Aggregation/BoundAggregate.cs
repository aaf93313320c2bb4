using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// An aggregate of a groupBy's <c>aggs</c>, ready to run: its output column name (the alias, or Spark's automatic
/// name such as <c>count(1)</c> or <c>sum(amount)</c>), the function, and its compiled argument (null for
/// <c>count(*)</c>), and the compiled ordering of <c>max_by</c>/<c>min_by</c> (<see cref="Ordering"/>, null otherwise).
/// </summary>
internal sealed record BoundAggregate(string Name, IAggregateFunction Function, CompiledExpression? Argument, CompiledExpression? Ordering = null)
{
    /// <summary>What <c>count(*)</c> is given for every row: any non-null value would do.</summary>
    public static readonly object RowMarker = true;

    public DataType ResultType => Function.ResultType;

    /// <summary>The input column the argument is, when it is a bare column reference (-1 otherwise): a columnar route reads it directly.</summary>
    public int ArgumentColumn { get; init; } = -1;

    public Column OutputColumn => new(Name, Function.ResultType);

    /// <summary>The input the function takes from <paramref name="row"/>.</summary>
    public object? InputOf(object?[] row) =>
        Argument is null ? RowMarker
        : Ordering is null ? Argument.Evaluate(row)
        : new ValuePair(Argument.Evaluate(row), Ordering.Evaluate(row));
}
