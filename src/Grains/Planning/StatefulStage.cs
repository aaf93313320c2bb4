using Sluice.Data;
using Sluice.Operators;

namespace Sluice.Planning;

/// <summary>
/// One stateful stage of a query: its operator on its own key-group grains (<c>queryId/operator/keyGroup</c>, state
/// under <c>state/&lt;operator&gt;/</c>), and the stateless operators on the operator's output (<see cref="Suffix"/>),
/// which run in the same grains before the rows go to the next stage's key groups or to the sink.
/// </summary>
internal sealed class StatefulStage(int position, IStatefulOperator op, StreamSchema inputSchema, IReadOnlyList<IRowOperator> suffix, StreamSchema outputSchema, WatermarkFlow watermark)
{
    /// <summary>Position in the chain: 0 is fed by the partition agents, the last one feeds the sink.</summary>
    public int Position { get; } = position;

    public IStatefulOperator Operator { get; } = op;

    /// <summary>The schema of the rows that reach <see cref="Operator"/>.</summary>
    public StreamSchema InputSchema { get; } = inputSchema;

    public IReadOnlyList<IRowOperator> Suffix { get; } = suffix;

    /// <summary>The schema after <see cref="Suffix"/>: the next stage's input, or the sink's.</summary>
    public StreamSchema OutputSchema { get; } = outputSchema;

    /// <summary>How this operator turns its input watermark into the watermark of its output (Spark's produceOutputWatermark).</summary>
    public WatermarkFlow Watermark { get; } = watermark;
}
