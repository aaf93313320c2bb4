using Sluice.Expressions.Binding;

namespace Sluice.Expressions.Functions;

/// <summary>The scalar functions, by lower-case name. Aggregates and window() are syntax nodes, not functions.</summary>
internal static class FunctionRegistry
{
    private static readonly Dictionary<string, FunctionDefinition> Functions = Build();

    /// <summary>Functions a streaming query must not use: replaying a batch would give different rows.</summary>
    private static readonly HashSet<string> NonDeterministic =
    [
        "current_timestamp", "current_date", "now", "localtimestamp", "curdate", "rand", "random", "randn", "uuid",
        "monotonically_increasing_id", "spark_partition_id", "input_file_name",
    ];

    public static IEnumerable<string> Names => Functions.Keys.Order(StringComparer.Ordinal);

    public static BoundExpression Bind(Binder binder, FunctionCall call)
    {
        if (NonDeterministic.Contains(call.Name))
        {
            throw NonDeterministicError(binder, call);
        }
        if (!Functions.TryGetValue(call.Name, out var definition))
        {
            throw binder.Error(call, $"unknown function '{call.Name}'", $"supported functions: {string.Join(", ", Names)}");
        }
        var count = call.Arguments.Count;
        if (count < definition.MinArguments || count > definition.MaxArguments)
        {
            throw binder.Error(call, $"function {call.Name}() takes {definition.Arity}, but {count} {(count == 1 ? "was" : "were")} given ({binder.Quote(call)})");
        }
        var values = new BoundExpression[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = binder.Bind(call.Arguments[i]);
        }
        return definition.Bind(new FunctionArguments(binder, call, values));
    }

    public static ExpressionException NonDeterministicError(Binder binder, FunctionCall call) =>
        binder.Error(call,
            $"function {call.Name}() is not supported: it is non-deterministic, and a streaming query must compute the same rows when a batch is replayed",
            "use an event-time column instead");

    private static Dictionary<string, FunctionDefinition> Build()
    {
        var functions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        foreach (var definition in StringFunctions.Definitions()
            .Concat(MathFunctions.Definitions())
            .Concat(ConditionalFunctions.Definitions())
            .Concat(DateTimeFunctions.Definitions())
            .Concat(ArrayFunctions.Definitions()))
        {
            functions.Add(definition.Name, definition);
        }
        return functions;
    }
}
