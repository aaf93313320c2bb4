using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Turns one of a groupBy's <c>aggs</c> (<c>"sum(amount) AS revenue"</c>, <c>"count(*)"</c>, <c>"avg(x * 2) AS a"</c>)
/// into a <see cref="BoundAggregate"/>, type-checking the argument against the input schema with Spark's rules.
/// Every error is an <see cref="ExpressionException"/> that quotes the aggregate's text and says what to write instead.
/// </summary>
internal static class AggregateBinder
{
    public static BoundAggregate Bind(string aggText, StreamSchema input) => Bind(ExpressionCompiler.Parse(aggText), input, aggText);

    /// <param name="syntax">The parsed aggregate, optionally under an <see cref="AliasExpr"/>.</param>
    /// <param name="input">The groupBy's input columns.</param>
    /// <param name="source">The text <paramref name="syntax"/> was parsed from (error positions refer to it), or null.</param>
    public static BoundAggregate Bind(Expr syntax, StreamSchema input, string? source = null)
    {
        var text = source ?? syntax.ToString();
        var inner = syntax is AliasExpr alias ? alias.Inner : syntax;
        if (inner is not AggregateCall call)
        {
            throw NotAnAggregate(inner, input, text, source);
        }
        if (call.Distinct)
        {
            throw Error(call, source, text, "distinct aggregations are not supported on streaming data (Spark rejects them too)",
                $"use approx_count_distinct({ExprPrinter.Print(call.Argument!, input)}) instead");
        }
        if (call.Argument is not null && ExpressionCompiler.ContainsAggregate(call.Argument))
        {
            throw Error(call.Argument, source, text, "an aggregate function cannot be used in the argument of another aggregate function",
                "aggregate in one groupBy, then aggregate its output in a second one");
        }
        var argument = call.Argument is null ? null : ExpressionCompiler.Compile(call.Argument, input, source);
        var ordering = call.Name is "max_by" or "min_by" ? Ordering(call, input, source, text) : null;
        var function = Function(call, argument?.Type, source, text);
        return new BoundAggregate(ExpressionCompiler.AutoName(syntax, input), function, argument, ordering)
        {
            ArgumentColumn = call.Argument is ColumnRef column ? input.IndexOf(column.Name) : -1,
        };
    }

    private static IAggregateFunction Function(AggregateCall call, DataType? argumentType, string? source, string text)
    {
        switch (call.Name)
        {
            case "count":
                return CountFunction.Instance;
            case "stddev" or "std" or "stddev_samp" or "stddev_pop" or "variance" or "var_samp" or "var_pop":
                RequireNumeric(call, argumentType!, source, text);
                return call.Name switch
                {
                    "stddev_pop" => CentralMomentFunction.StddevPop,
                    "var_pop" => CentralMomentFunction.VarPop,
                    "variance" or "var_samp" => CentralMomentFunction.VarSamp,
                    _ => CentralMomentFunction.StddevSamp,
                };
            case "collect_list" or "collect_set":
                return new CollectFunction(argumentType!, distinct: call.Name == "collect_set");
            case "max_by" or "min_by":
                return new ExtremumByFunction(argumentType!, isMax: call.Name == "max_by");
            case "sum":
                RequireNumeric(call, argumentType!, source, text);
                return argumentType!.Kind is DataTypeKind.Int or DataTypeKind.Long ? SumFunction.Long : SumFunction.Double;
            case "avg" or "mean":
                RequireNumeric(call, argumentType!, source, text);
                return AverageFunction.Instance;
            case "min" or "max":
                return new MinMaxFunction(argumentType!, isMax: call.Name == "max");
            case "first":
                return new FirstFunction(argumentType!, IgnoreNulls(call, source, text));
            case "last":
                return new LastFunction(argumentType!, IgnoreNulls(call, source, text));
            case "approx_count_distinct":
                return new ApproxCountDistinctFunction(RelativeSD(call, source, text));
            default:
                throw Error(call, source, text, $"unknown aggregate function '{call.Name}'",
                    "supported: count, sum, avg, mean, min, max, first, last, approx_count_distinct, collect_list, collect_set, " +
                    "stddev, stddev_samp, stddev_pop, variance, var_samp, var_pop, max_by, min_by");
        }
    }

    /// <summary>The second argument of first/last: Spark takes only a boolean literal there.</summary>
    private static bool IgnoreNulls(AggregateCall call, string? source, string text) => call.Second switch
    {
        null => false,
        Literal { Value: bool value } => value,
        var other => throw Error(other, source, text, $"The second argument in {call.Name} should be a boolean literal", $"write {call.Name}(x, true) to ignore nulls"),
    };

    /// <summary>The relativeSD of approx_count_distinct: a numeric literal (Spark: "The second argument should be a double literal").</summary>
    private static double RelativeSD(AggregateCall call, string? source, string text)
    {
        var rsd = call.Second switch
        {
            null => ApproxCountDistinctFunction.DefaultRelativeSD,
            Literal { Value: double d } => d,
            Literal { Value: int i } => i,
            Literal { Value: long l } => l,
            var other => throw Error(other, source, text, "The second argument should be a double literal", "e.g. approx_count_distinct(x, 0.01)"),
        };
        var precision = double.IsFinite(rsd) && rsd > 0 ? HyperLogLogPlusPlus.PrecisionFor(rsd) : -1;
        return precision is >= HyperLogLogPlusPlus.MinPrecision and <= HyperLogLogPlusPlus.MaxPrecision
            ? rsd
            : throw Error(call.Second!, source, text, $"the relativeSD of approx_count_distinct must be between 0.0022 and 0.39 (precision 4 to 18 bits), not {rsd}");
    }

    /// <summary>The ordering argument of max_by/min_by, compiled against the input.</summary>
    private static CompiledExpression Ordering(AggregateCall call, StreamSchema input, string? source, string text) =>
        call.Second is { } ordering
            ? ExpressionCompiler.Compile(ordering, input, source)
            : throw Error(call, source, text, $"{call.Name} needs two arguments: the value and the ordering, e.g. {call.Name}(product, price)");

    /// <summary>sum and avg take int, bigint or double (a NULL literal counts as double, as in Spark).</summary>
    private static void RequireNumeric(AggregateCall call, DataType type, string? source, string text)
    {
        if (type.IsNumeric || type.Kind == DataTypeKind.Null)
        {
            return;
        }
        var argument = ExprPrinter.Print(call.Argument!, schema: null);
        var hint = type.Kind == DataTypeKind.String ? $"cast it if it holds numbers, e.g. {call.Name}(CAST({argument} AS double))" : null;
        throw Error(call.Argument!, source, text, $"{call.Name} needs a numeric argument (int, bigint or double), but '{argument}' is of type {type}", hint);
    }

    private static ExpressionException NotAnAggregate(Expr inner, StreamSchema input, string text, string? source)
    {
        var position = source is null ? (int?)null : inner.Start;
        if (ExpressionCompiler.ContainsAggregate(inner))
        {
            return new ExpressionException(
                $"'{text}' in aggs computes on the result of an aggregate, which a groupBy does not support yet; give each " +
                "aggregate an alias (e.g. sum(amount) AS total) and compute on it in a select after the groupBy", text, position);
        }
        var printed = ExprPrinter.Print(inner, input);
        return new ExpressionException(
            $"'{text}' in aggs is not an aggregate function; use e.g. sum({printed}) AS total, or add {printed} to the groupBy keys",
            text, position);
    }

    /// <summary>The message shape of the expression binder: <c>problem in 'text'; hint</c>.</summary>
    private static ExpressionException Error(Expr at, string? source, string text, string problem, string? hint = null) =>
        new($"{problem} in '{text}'{(hint is null ? "" : "; " + hint)}", text, source is null ? null : at.Start);
}
