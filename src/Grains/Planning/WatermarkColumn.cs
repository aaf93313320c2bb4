using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>Where the event-time column of <c>withWatermark</c> is in the schema at a point of the pipeline.</summary>
internal sealed record WatermarkColumn(WithWatermarkSpec Spec, int Index, string Name)
{
    public long DelayMs => (long)Spec.Delay.TotalMilliseconds;

    /// <summary>The column after a select: kept when selected as is (possibly renamed), else lost.</summary>
    public WatermarkColumn? Follow(IReadOnlyList<Expr> selected, StreamSchema output)
    {
        for (var i = 0; i < selected.Count; i++)
        {
            var expr = selected[i] is AliasExpr a ? a.Inner : selected[i];
            if (expr is ColumnRef c && string.Equals(c.Name, Name, StringComparison.OrdinalIgnoreCase))
            {
                return this with { Index = i, Name = output[i].Name };
            }
        }
        return null;
    }
}
