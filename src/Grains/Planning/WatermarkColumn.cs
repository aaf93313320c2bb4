using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Where the event-time column of <c>withWatermark</c> is in the schema at a point of the pipeline (Spark's
/// <c>EventTimeWatermark.delayKey</c> metadata on an attribute). <see cref="IsWindow"/>: the column is a
/// <c>window(...)</c> struct computed from the event-time column, whose <c>end</c> is the event time that closes it.
/// </summary>
internal sealed record WatermarkColumn(WithWatermarkSpec Spec, int Index, string Name, bool IsWindow = false)
{
    public long DelayMs => (long)Spec.Delay.TotalMilliseconds;

    /// <summary>
    /// The column after a select, as Spark's metadata follows an attribute: kept when selected as is (possibly under
    /// an alias), and carried to <c>window(col, ...)</c> of it (SPARK-27340); lost through any other expression (a
    /// cast, <c>window.start</c>). The first selected column that carries it wins.
    /// </summary>
    public WatermarkColumn? Follow(IReadOnlyList<Expr> selected, StreamSchema output)
    {
        for (var i = 0; i < selected.Count; i++)
        {
            var expr = selected[i] is AliasExpr a ? a.Inner : selected[i];
            if (expr is ColumnRef c && IsThis(c))
            {
                return this with { Index = i, Name = output[i].Name };
            }
            if (expr is WindowExpr { TimeColumn: ColumnRef t } && !IsWindow && IsThis(t))
            {
                return this with { Index = i, Name = output[i].Name, IsWindow = true };
            }
        }
        return null;
    }

    private bool IsThis(ColumnRef c) => string.Equals(c.Name, Name, StringComparison.OrdinalIgnoreCase);
}
