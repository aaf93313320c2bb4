using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// What Spark's <c>TimeWindowing</c> rule adds around a <c>window()</c> computed in a select: rows whose time is NULL
/// are dropped (its <c>Filter(IsNotNull(timeColumn))</c>), and two different windows in one select are refused, as
/// they would give a cartesian product of rows.
/// </summary>
internal static class SelectWindows
{
    public const string MultipleWindows = "Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported";

    /// <summary>The filter to run before the select (null: it computes no window).</summary>
    public static FilterSpec? NullTimeFilter(string path, SelectSpec select, StreamSchema input)
    {
        var windows = new List<WindowExpr>();
        for (var j = 0; j < select.Columns.Count; j++)
        {
            var column = QueryPlanner.Compile($"{path}.columns[{j}]", () => ExpressionCompiler.Parse(select.Columns[j]));
            ExprTree.Any(column, e =>
            {
                if (e is WindowExpr w)
                {
                    windows.Add(w);
                }
                return false;
            });
        }
        var distinct = windows.DistinctBy(w => ExprPrinter.Print(w, input)).ToList();
        return distinct switch
        {
            [] => null,
            [var window] => new FilterSpec($"({ExprPrinter.Print(window.TimeColumn, input)}) IS NOT NULL"),
            _ => throw QueryPlanner.Invalid(path + ".columns", MultipleWindows + "; compute one window() per select"),
        };
    }
}
