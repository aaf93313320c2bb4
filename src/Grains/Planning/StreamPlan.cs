using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// One input stream of a query: its source, and the operators its partition agents run before the stateful operator
/// (its own sub-pipeline, then what follows a union). <see cref="Index"/> is the source index in offsets and agent keys.
/// </summary>
internal sealed class StreamPlan(int index, SourceSpec source, StreamSchema sourceSchema, IReadOnlyList<IRowOperator> prefix, WithWatermarkSpec? watermark)
{
    public int Index { get; } = index;

    public SourceSpec Source { get; } = source;

    public StreamSchema SourceSchema { get; } = sourceSchema;

    public IReadOnlyList<IRowOperator> Prefix { get; } = prefix;

    /// <summary>Whether every prefix operator runs on columns, so an agent's columnar read stays columnar to the route.</summary>
    public bool PrefixIsColumnar { get; } = prefix.All(static op => op is IColumnarOperator { IsColumnar: true });

    /// <summary>This stream's <c>withWatermark</c>, if any (each stream tracks its own; the query combines them by policy).</summary>
    public WithWatermarkSpec? Watermark { get; } = watermark;

    /// <summary>
    /// Which source columns a columnar read must fill (null: all of them). Only a plan that runs columnar from the
    /// source to the first stateful operator may leave a column unread, since the row path needs every column.
    /// </summary>
    public IReadOnlyList<bool>? ColumnsRead { get; init; }

    /// <summary>
    /// The stream whose reads this one shares (null: it reads its own): a join input that repeats the query's source
    /// and operators up to its first stateful one (<see cref="SharedPrefix"/>). No agents run for it; its offsets are
    /// planned as the other's, and progress reports the other's reads for it, as the unshared plan would read them.
    /// </summary>
    public int? SharedWith { get; init; }
}
