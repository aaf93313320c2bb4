using Sluice.Data;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// A validated query, split where it runs: each stream's stateless prefix on its partition agents, then a chain of
/// <see cref="Stages"/> (one per stateful operator, each on its own key-group grains, with its stateless suffix),
/// then the sink. See <see cref="QueryPlanner"/> for the shape and how a batch runs through it.
/// </summary>
internal sealed class QueryPlan(
    QuerySpec spec,
    IReadOnlyList<StreamPlan> streams,
    IReadOnlyList<StatefulStage> stages,
    StreamSchema outputSchema)
{
    public QuerySpec Spec { get; } = spec;

    /// <summary>The input streams: the query's source first, then those of unions and stream-stream joins.</summary>
    public IReadOnlyList<StreamPlan> Streams { get; } = streams;

    /// <summary>The stateful stages, from the one the agents feed to the one that feeds the sink (empty: a stateless query).</summary>
    public IReadOnlyList<StatefulStage> Stages { get; } = stages;

    /// <summary>The first stateful operator (the one the partition agents route to), if any.</summary>
    public IStatefulOperator? Stateful => Stages.Count > 0 ? Stages[0].Operator : null;

    public StreamSchema OutputSchema { get; } = outputSchema;

    /// <summary>The schema of the rows that reach the first stateful operator (and the late-rows sink).</summary>
    public StreamSchema StatefulInputSchema => Stages.Count > 0 ? Stages[0].InputSchema : OutputSchema;

    /// <summary>Whether any stream declares a watermark.</summary>
    public bool HasWatermark => Streams.Any(s => s.Watermark is not null);

    /// <summary>Whether any stage keeps processing-time timers.</summary>
    public bool HasProcessingTimers => Stages.Any(s => s.Operator.HasProcessingTimers);

    /// <summary>The stage of the operator at spec index <paramref name="operatorIndex"/>.</summary>
    public StatefulStage StageOf(int operatorIndex) =>
        Stages.FirstOrDefault(s => s.Operator.Index == operatorIndex)
        ?? throw new InvalidOperationException($"operator {operatorIndex} is not a stateful operator of query '{Spec.Name}'");

    /// <summary>
    /// Each stage's input watermark for a batch whose global watermark is <paramref name="originMs"/> (Spark 3.5's
    /// <c>PropagateWatermarkSimulator</c>): the first stage gets the global watermark when a stream declares one; each
    /// next stage gets what the stage before it lets through; none (after a groups-with-state operator, or no
    /// watermark at all) counts as 0. As Spark, an origin of 0 gives 0 everywhere.
    /// </summary>
    public long[] InputWatermarks(long originMs)
    {
        var result = new long[Stages.Count];
        long? watermark = originMs == 0 || !HasWatermark ? null : originMs;
        for (var i = 0; i < Stages.Count; i++)
        {
            result[i] = Math.Max(watermark ?? 0, 0);
            watermark = watermark is { } w ? Stages[i].Watermark.Output(w) : null;
        }
        return result;
    }

    /// <summary>Runs a stream's operators before the first stateful one (all of them in a stateless query).</summary>
    public void ApplyPrefix(int stream, List<object?[]> rows, BatchContext context) => Run(Streams[stream].Prefix, rows, context);

    /// <summary>
    /// Runs a stream's prefix on columns when every operator of it has a kernel, returning the batch it made (the
    /// input itself, or a projection's new one); null, with the batch untouched, when the prefix needs rows.
    /// </summary>
    public Columnar.ColumnBatch? TryApplyPrefix(int stream, Columnar.ColumnBatch batch, BatchContext context)
    {
        var plan = Streams[stream];
        if (!plan.PrefixIsColumnar)
        {
            return null;
        }
        foreach (var op in plan.Prefix)
        {
            batch = ((IColumnarOperator)op).Apply(batch, context);
        }
        return batch;
    }

    /// <summary>Runs the stateless operators after a stage's stateful operator.</summary>
    public static void ApplySuffix(StatefulStage stage, List<object?[]> rows, BatchContext context) => Run(stage.Suffix, rows, context);

    private static void Run(IReadOnlyList<IRowOperator> operators, List<object?[]> rows, BatchContext context)
    {
        foreach (var op in operators)
        {
            op.Apply(rows, context);
        }
    }
}
