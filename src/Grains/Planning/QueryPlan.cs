using Sluice.Data;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// A validated query, split where it runs: each stream's stateless prefix on its partition agents, then the
/// <see cref="Stages"/> (one per stateful operator, each on its own key-group grains, with its stateless suffix), each
/// sending its rows to one next stage or to the sink. See <see cref="QueryPlanner"/> for the shape and how a batch
/// runs through it.
/// </summary>
internal sealed class QueryPlan(
    QuerySpec spec,
    IReadOnlyList<StreamPlan> streams,
    IReadOnlyList<StatefulStage> stages,
    IReadOnlyList<int> streamTargets,
    StreamSchema outputSchema)
{
    public QuerySpec Spec { get; } = spec;

    /// <summary>The input streams: the query's source first, then those of unions and stream-stream joins.</summary>
    public IReadOnlyList<StreamPlan> Streams { get; } = streams;

    /// <summary>The stateful stages in the order they run: each after every stage that feeds it (empty: a stateless query).</summary>
    public IReadOnlyList<StatefulStage> Stages { get; } = stages;

    /// <summary>Per stream, the position of the stage its agents route to; -1: they stage their rows at the sink.</summary>
    public IReadOnlyList<int> StreamTargets { get; } = streamTargets;

    public StreamSchema OutputSchema { get; } = outputSchema;

    /// <summary>The stateful operator the query's own stream reaches first, if any.</summary>
    public IStatefulOperator? Stateful => TargetOf(0)?.Operator;

    /// <summary>The stage a stream's agents route to; null when they stage their rows at the sink.</summary>
    public StatefulStage? TargetOf(int stream) => StreamTargets[stream] is var t and >= 0 ? Stages[t] : null;

    /// <summary>
    /// The schema of the late-rows sink: the input of the stateful operator the query's own stream reaches first. Only
    /// the streams routed to that operator as its (left) input stage their late rows there; the others count them.
    /// </summary>
    public StreamSchema StatefulInputSchema => TargetOf(0)?.InputSchema ?? OutputSchema;

    /// <summary>Whether a stream's late rows have <see cref="StatefulInputSchema"/> (see there).</summary>
    public bool LateRowsFit(int stream) =>
        TargetOf(stream) is { } target && target == TargetOf(0) && !(target.Operator is Operators.Join.StreamJoinOperator join && join.RightStream == stream);

    /// <summary>
    /// The stages in the order Spark lists its stateful operators in progress (a walk of the plan from the sink: each
    /// operator, then the ones feeding it, left input first); a shared stage is listed once, where the walk first meets it.
    /// </summary>
    public IReadOnlyList<int> ProgressOrder
    {
        get
        {
            var order = new List<int>();
            void Visit(int position)
            {
                if (order.Contains(position))
                {
                    return;
                }
                order.Add(position);
                foreach (var input in Stages.Where(s => s.Outputs.Any(o => o.Next == position)))
                {
                    Visit(input.Position);
                }
            }
            foreach (var root in Stages.Where(s => s.Outputs.Any(o => o.Next < 0)))
            {
                Visit(root.Position);
            }
            return order;
        }
    }

    /// <summary>Whether a stream shares another's reads (<see cref="StreamPlan.SharedWith"/>): the plan shares a join input's stages.</summary>
    public bool SharesStreams => Streams.Any(s => s.SharedWith is not null);

    /// <summary>
    /// Per stream, the first stream that reads the same source (<see cref="SharedPrefix.SameSource"/>), itself when
    /// none before it does: progress lists each distinct source once, as Spark's does for a source read twice.
    /// </summary>
    public IReadOnlyList<int> SourceOf => _sourceOf ??= [.. Streams.Select(s => Streams.First(o => SharedPrefix.SameSource(o.Source, s.Source)).Index)];

    private IReadOnlyList<int>? _sourceOf;

    /// <summary>Whether any stream declares a watermark.</summary>
    public bool HasWatermark => Streams.Any(s => s.Watermark is not null);

    /// <summary>Whether any stage keeps processing-time timers.</summary>
    public bool HasProcessingTimers => Stages.Any(s => s.Operator.HasProcessingTimers);

    /// <summary>
    /// Whether a batch with no new data is due after a batch that ran with global watermark <paramref name="batchMs"/>
    /// and leaves <paramref name="nextMs"/> for the next (Spark's <c>IncrementalExecution.shouldRunAnotherBatch</c>):
    /// some stage whose input watermark moves needs it (<see cref="IStatefulOperator.NeedsBatchWhenWatermarkMoves"/>).
    /// </summary>
    public bool NoDataBatchDue(long batchMs, long nextMs)
    {
        if (nextMs <= batchMs || Stages.Count == 0)
        {
            return false;
        }
        var before = InputWatermarks(batchMs);
        var after = InputWatermarks(nextMs);
        return Stages.Any(s => s.Operator.NeedsBatchWhenWatermarkMoves && after[s.Position] > before[s.Position]);
    }

    /// <summary>The stage of the operator at spec index <paramref name="operatorIndex"/>.</summary>
    public StatefulStage StageOf(int operatorIndex) =>
        Stages.FirstOrDefault(s => s.Operator.Index == operatorIndex)
        ?? throw new InvalidOperationException($"operator {operatorIndex} is not a stateful operator of query '{Spec.Name}'");

    /// <summary>
    /// Each stage's input watermark for a batch whose global watermark is <paramref name="originMs"/> (Spark 3.5's
    /// <c>PropagateWatermarkSimulator</c>): a stage fed by streams gets the global watermark when a stream declares one;
    /// a stage fed by stages gets the least of what they let through (an input that carries none is left out); none
    /// (after a groups-with-state operator, or no watermark at all) counts as 0. As Spark, an origin of 0 gives 0 everywhere.
    /// </summary>
    public long[] InputWatermarks(long originMs)
    {
        var result = new long[Stages.Count];
        var inputs = new long?[Stages.Count];
        long? origin = originMs == 0 || !HasWatermark ? null : originMs;
        for (var s = 0; s < Streams.Count; s++)
        {
            if (StreamTargets[s] >= 0)
            {
                Feed(StreamTargets[s], origin);
            }
        }
        for (var i = 0; i < Stages.Count; i++)
        {
            result[i] = Math.Max(inputs[i] ?? 0, 0);
            foreach (var output in Stages[i].Outputs)
            {
                if (output.Next >= 0 && inputs[i] is { } w)
                {
                    Feed(output.Next, Stages[i].Watermark.Output(w));
                }
            }
        }
        return result;

        // Spark's simulator gives a node with several inputs the least of the watermarks they carry.
        void Feed(int stage, long? watermark)
        {
            if (watermark is { } w)
            {
                inputs[stage] = inputs[stage] is { } before ? Math.Min(before, w) : w;
            }
        }
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

    /// <summary>Runs the stateless operators of a stage's output on the stateful operator's rows.</summary>
    public static void ApplySuffix(StageOutput output, List<object?[]> rows, BatchContext context) => Run(output.Suffix, rows, context);

    private static void Run(IReadOnlyList<IRowOperator> operators, List<object?[]> rows, BatchContext context)
    {
        foreach (var op in operators)
        {
            op.Apply(rows, context);
        }
    }
}
