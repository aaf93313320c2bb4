using Sluice.Expressions;

namespace Sluice.Planning;

/// <summary>Replaces each row by the values of the select list.</summary>
internal sealed class ProjectOperator(IReadOnlyList<NamedExpression> columns) : IRowOperator
{
    private readonly CompiledExpression[] _expressions = columns.Select(c => c.Expression).ToArray();

    public void Apply(List<object?[]> rows, BatchContext context)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var input = rows[i];
            var output = new object?[_expressions.Length];
            for (var c = 0; c < output.Length; c++)
            {
                output[c] = _expressions[c].Evaluate(input);
            }
            rows[i] = output;
        }
    }
}
