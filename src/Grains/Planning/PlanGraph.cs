namespace Sluice.Planning;

/// <summary>
/// The shape of a query while it is planned: its input streams, and where each stream's prefix and each stateful
/// stage's suffix sends its rows (a stateful stage, or the sink). A stage is closed when its rows' destination is
/// known, always before that destination is, so the order stages close in is an order they can run in.
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
        var positions = new Dictionary<StageBuilder, int>();
        for (var i = 0; i < _closed.Count; i++)
        {
            positions[_closed[i].Stage] = i;
        }
        int PositionOf(StageBuilder? stage) => stage is null ? -1 : positions[stage];
        var stages = _closed.Select((c, i) => c.Stage.Build(i, PositionOf(c.Next))).ToList();
        var targets = Streams.Select(s => PositionOf(_streamTargets.GetValueOrDefault(s.Index))).ToList();
        return (stages, targets);
    }
}
