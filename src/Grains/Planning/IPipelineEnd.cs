using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Where a pipeline's rows are while the planner walks its operators: a stream's stateless prefix (on its partition
/// agents, <see cref="StreamBuilder"/>) or a stateful stage's suffix (on its key groups, <see cref="StageBuilder"/>).
/// Stateless operators extend every open end; a stateful operator, or the sink, closes them.
/// </summary>
internal interface IPipelineEnd
{
    StreamSchema Schema { get; }

    /// <summary>The stream whose index the next stateful operator is told the rows come from (a join tells its sides apart by it).</summary>
    int StreamIndex { get; }

    /// <summary>The timestamp column carrying the watermark here, if any.</summary>
    WatermarkColumn? Watermark { get; }

    /// <summary>Columns holding a window of the watermarked event time (a join on one evicts by its end).</summary>
    IReadOnlyList<int> WatermarkWindows { get; }

    void Filter(string path, FilterSpec f);

    void Select(string path, SelectSpec s);

    /// <summary>A unioned input's rows are read by position under the first input's column names.</summary>
    void RenameTo(StreamSchema schema);

    /// <summary>Filters rows by a join's one-side predicate as early as this end allows.</summary>
    void PushFilter(Expr predicate, string text);
}
