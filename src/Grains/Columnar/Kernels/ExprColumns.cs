using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Columnar.Kernels;

/// <summary>The input columns an expression reads: what a row-at-a-time kernel boxes, and what a columnar read must fill.</summary>
internal static class ExprColumns
{
    /// <summary>
    /// Sets <paramref name="read"/>[i] for every column <paramref name="expr"/> references; false when a reference does
    /// not name a column of <paramref name="schema"/> (the caller then assumes it reads them all).
    /// </summary>
    public static bool Mark(Expr expr, StreamSchema schema, bool[] read)
    {
        if (expr is ColumnRef column)
        {
            var index = schema.IndexOf(column.Name);
            if (index < 0)
            {
                return false;
            }
            read[index] = true;
            return true;
        }
        foreach (var child in ExprTree.Children(expr))
        {
            if (!Mark(child, schema, read))
            {
                return false;
            }
        }
        return true;
    }
}
