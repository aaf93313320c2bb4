using Sluice.Expressions.Binding;

namespace Sluice.Expressions.Functions;

/// <summary>The scalar functions, by lower-case name. Aggregates and window() are syntax nodes, not functions.</summary>
internal static class FunctionRegistry
{
    private static readonly Dictionary<string, FunctionDefinition> Functions = Build();

    /// <summary>Functions a streaming query must not use: replaying a batch would give different rows.</summary>
    private static readonly HashSet<string> NonDeterministic =
    [
        "rand", "random", "randn", "uuid", "monotonically_increasing_id", "spark_partition_id", "input_file_name",
    ];

    private const string NoDate = "it returns a DATE and Sluice has no date type";
    private const string BatchDay = "use date_trunc('DAY', current_timestamp()), the batch's day as a timestamp (UTC)";

    /// <summary>Spark's batch-time functions whose result type Sluice does not have, and what to write instead.</summary>
    private static readonly Dictionary<string, (string Problem, string Hint)> WithoutType = new(StringComparer.Ordinal)
    {
        ["current_date"] = (NoDate, BatchDay),
        ["curdate"] = (NoDate, BatchDay),
        ["localtimestamp"] = ("it returns a TIMESTAMP_NTZ and Sluice has no timestamp without time zone", "use current_timestamp() (UTC)"),
    };

    public static IEnumerable<string> Names => Functions.Keys.Order(StringComparer.Ordinal);

    public static BoundExpression Bind(Binder binder, FunctionCall call)
    {
        if (NonDeterministic.Contains(call.Name))
        {
            throw NonDeterministicError(binder, call);
        }
        if (WithoutType.TryGetValue(call.Name, out var unsupported))
        {
            throw binder.Error(call, $"function {call.Name}() is not supported: {unsupported.Problem}", unsupported.Hint);
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

    private static ExpressionException NonDeterministicError(Binder binder, FunctionCall call) =>
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
            .Concat(ArrayFunctions.Definitions())
            .Concat(RegexFunctions.Definitions()))
        {
            functions.Add(definition.Name, definition);
        }
        return functions;
    }
}
