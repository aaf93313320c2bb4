using Sluice.Data;
using Sluice.Operators;

namespace Sluice.Planning;

/// <summary>
/// One stateful stage of a query: its operator on its own key-group grains (<c>queryId/operator/keyGroup</c>, state
/// under <c>state/&lt;operator&gt;/</c>), and per output the stateless operators on the operator's rows, which run in the
/// same grains before the rows go to the next stage's key groups or to the sink. A stage has one output, or several
/// when inputs share it (<see cref="PipelineBuilder"/>: a join input whose source and operators up to this one equal
/// the other input's): each output gets the operator's rows, runs its own suffix and routes them on.
/// </summary>
internal sealed class StatefulStage(
    int position, IStatefulOperator op, StreamSchema inputSchema, IReadOnlyList<StageOutput> outputs, WatermarkFlow watermark)
{
    /// <summary>Position in the plan's stages, which are in the order they run: every stage after those that feed it.</summary>
    public int Position { get; } = position;

    /// <summary>Where the operator's rows go, each through its own suffix (at least one).</summary>
    public IReadOnlyList<StageOutput> Outputs { get; } = outputs;

    /// <summary>The first output's next stage (the only one unless the stage is shared); -1: the sink.</summary>
    public int Next => Outputs[0].Next;

    /// <summary>The first output's stream index (see <see cref="StageOutput.StreamIndex"/>).</summary>
    public int StreamIndex => Outputs[0].StreamIndex;

    /// <summary>The first output's suffix.</summary>
    public IReadOnlyList<IRowOperator> Suffix => Outputs[0].Suffix;

    /// <summary>The first output's schema.</summary>
    public StreamSchema OutputSchema => Outputs[0].Schema;

    public IStatefulOperator Operator { get; } = op;

    /// <summary>The schema of the rows that reach <see cref="Operator"/>.</summary>
    public StreamSchema InputSchema { get; } = inputSchema;

    /// <summary>How this operator turns its input watermark into the watermark of its output (Spark's produceOutputWatermark).</summary>
    public WatermarkFlow Watermark { get; } = watermark;
}

/// <summary>
/// One destination of a stage's rows: the stateless operators they go through there (<see cref="Suffix"/>), then the
/// next stage (<see cref="Next"/>) or the sink (-1).
/// </summary>
/// <param name="StreamIndex">The stream index the next stage is told the rows come from (a join tells its sides apart by it).</param>
/// <param name="Schema">The schema after <see cref="Suffix"/>: the next stage's input, or the sink's.</param>
internal sealed record StageOutput(int Next, int StreamIndex, IReadOnlyList<IRowOperator> Suffix, StreamSchema Schema);
