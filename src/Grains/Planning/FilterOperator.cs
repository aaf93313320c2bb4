using Sluice.Expressions;

namespace Sluice.Planning;

/// <summary>Keeps the rows whose condition is true (false and NULL drop the row, as in SQL's WHERE).</summary>
internal sealed class FilterOperator(CompiledExpression condition) : IRowOperator
{
    public void Apply(List<object?[]> rows, BatchContext context)
    {
        var kept = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (condition.IsTrue(rows[i]))
            {
                rows[kept++] = rows[i];
            }
        }
        rows.RemoveRange(kept, rows.Count - kept);
    }
}
