using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Planning;

/// <summary>
/// The columns of a stream that hold <c>window(t, ...)</c> of its watermarked event-time column <c>t</c>: in Spark such
/// a window column carries the watermark (the window attribute inherits the time column's metadata, kept under an
/// alias since SPARK-27340), so a join on it evicts state by window end and drops late rows even when <c>t</c> itself
/// was not selected.
/// </summary>
internal static class WatermarkedWindows
{
    /// <summary>The window columns after a select, given the watermark column and window columns before it.</summary>
    public static IReadOnlyList<int> Follow(WatermarkColumn? time, IReadOnlyList<int> windows, StreamSchema before, IReadOnlyList<Expr> selected)
    {
        var result = new List<int>();
        for (var i = 0; i < selected.Count; i++)
        {
            var expr = selected[i] is AliasExpr a ? a.Inner : selected[i];
            var carries = expr switch
            {
                WindowExpr { TimeColumn: ColumnRef c } => time is not null && Same(c.Name, time.Name),
                ColumnRef c => windows.Any(w => Same(before[w].Name, c.Name)),
                _ => false,
            };
            if (carries)
            {
                result.Add(i);
            }
        }
        return result;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
