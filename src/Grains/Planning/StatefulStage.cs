using Sluice.Data;
using Sluice.Operators;

namespace Sluice.Planning;

/// <summary>
/// One stateful stage of a query: its operator on its own key-group grains (<c>queryId/operator/keyGroup</c>, state
/// under <c>state/&lt;operator&gt;/</c>), and the stateless operators on the operator's output (<see cref="Suffix"/>),
/// which run in the same grains before the rows go to the next stage's key groups or to the sink.
/// </summary>
internal sealed class StatefulStage(
    int position, IStatefulOperator op, StreamSchema inputSchema, IReadOnlyList<IRowOperator> suffix, StreamSchema outputSchema, WatermarkFlow watermark, int next, int streamIndex)
{
    /// <summary>Position in the plan's stages, which are in the order they run: every stage after those that feed it.</summary>
    public int Position { get; } = position;

    /// <summary>The position of the stage this one's rows go to; -1: they go to the sink.</summary>
    public int Next { get; } = next;

    /// <summary>The stream index the next stage is told the rows come from (a join tells its sides apart by it).</summary>
    public int StreamIndex { get; } = streamIndex;

    public IStatefulOperator Operator { get; } = op;

    /// <summary>The schema of the rows that reach <see cref="Operator"/>.</summary>
    public StreamSchema InputSchema { get; } = inputSchema;

    public IReadOnlyList<IRowOperator> Suffix { get; } = suffix;

    /// <summary>The schema after <see cref="Suffix"/>: the next stage's input, or the sink's.</summary>
    public StreamSchema OutputSchema { get; } = outputSchema;

    /// <summary>How this operator turns its input watermark into the watermark of its output (Spark's produceOutputWatermark).</summary>
    public WatermarkFlow Watermark { get; } = watermark;
}
