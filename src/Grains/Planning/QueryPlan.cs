using Sluice.Data;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// A validated query, split where it runs: the stateless <see cref="Prefix"/> on partition agents, at most one
/// <see cref="Stateful"/> operator across agents and window grains, and the stateless <see cref="Suffix"/> on
/// the stateful operator's output in the window grains.
/// </summary>
internal sealed class QueryPlan(
    QuerySpec spec,
    IReadOnlyList<StreamPlan> streams,
    IStatefulOperator? stateful,
    IReadOnlyList<IRowOperator> suffix,
    StreamSchema outputSchema,
    StreamSchema statefulInputSchema)
{
    public QuerySpec Spec { get; } = spec;

    /// <summary>The input streams: the query's source first, then those of unions and stream-stream joins.</summary>
    public IReadOnlyList<StreamPlan> Streams { get; } = streams;

    public IStatefulOperator? Stateful { get; } = stateful;

    public IReadOnlyList<IRowOperator> Suffix { get; } = suffix;

    public StreamSchema OutputSchema { get; } = outputSchema;

    /// <summary>The schema of the rows that reach the stateful operator (and the late-rows sink).</summary>
    public StreamSchema StatefulInputSchema { get; } = statefulInputSchema;

    /// <summary>Whether any stream declares a watermark.</summary>
    public bool HasWatermark => Streams.Any(s => s.Watermark is not null);

    /// <summary>Runs a stream's operators before the stateful one (all of them in a stateless query).</summary>
    public void ApplyPrefix(int stream, List<object?[]> rows, BatchContext context) => Run(Streams[stream].Prefix, rows, context);

    public void ApplySuffix(List<object?[]> rows, BatchContext context) => Run(Suffix, rows, context);

    private static void Run(IReadOnlyList<IRowOperator> operators, List<object?[]> rows, BatchContext context)
    {
        foreach (var op in operators)
        {
            op.Apply(rows, context);
        }
    }
}
