namespace Sluice.Planning;

/// <summary>
/// The shape of a query while it is planned: its input streams, and where each stream's prefix and each stateful
/// stage's suffix sends its rows (a stateful stage, or the sink). A stage is closed when its rows' destination is
/// known, always before that destination is, so the order stages close in is an order they can run in. A shared stage
/// closes once per branch (<see cref="StageBuilder.Branch"/>): it runs at the position of its first closing, with one
/// output per branch, and every branch's inputs closed into it before any branch closed.
/// </summary>
internal sealed class PlanGraph
{
    private readonly List<(StageBuilder Stage, StageBuilder? Next)> _closed = [];
    private readonly Dictionary<int, StageBuilder?> _streamTargets = [];

    public List<StreamBuilder> Streams { get; } = [];

    /// <summary>Sends an end's rows to <paramref name="next"/> (null: the sink).</summary>
    public void Connect(IPipelineEnd end, StageBuilder? next)
    {
        switch (end)
        {
            case StreamBuilder stream:
                _streamTargets[stream.Index] = next;
                break;
            case StageBuilder stage:
                _closed.Add((stage, next));
                break;
        }
    }

    /// <summary>The stages in the order they run, and per stream the position of the stage its agents route to (-1: the sink).</summary>
    public (IReadOnlyList<StatefulStage> Stages, IReadOnlyList<int> StreamTargets) Build()
    {
        var roots = _closed.Select(c => c.Stage.Root).Distinct().ToList();
        var positions = roots.Select((root, i) => (root, i)).ToDictionary(p => p.root, p => p.i);
        int PositionOf(StageBuilder? stage) => stage is null ? -1 : positions[stage.Root];
        var stages = roots.Select((root, i) => new StatefulStage(
            i, root.Operator, root.InputSchema, [.. _closed.Where(c => c.Stage.Root == root).Select(c => c.Stage.Output(PositionOf(c.Next)))], root.Flow)).ToList();
        var targets = Streams.Select(s => PositionOf(_streamTargets.GetValueOrDefault(s.Index))).ToList();
        return (stages, targets);
    }
}
