using Sluice.Columnar;
using Sluice.Columnar.Kernels;
using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Planning;

/// <summary>
/// Replaces each row by the values of the select list. On columns (when it knows its <paramref name="input"/> schema)
/// it makes a batch of the output schema whose columns are its kernels' vectors (a column reference passes the input
/// vector through) and that selects the rows its input did.
/// </summary>
internal sealed class ProjectOperator(IReadOnlyList<NamedExpression> columns, StreamSchema? input = null) : IColumnarOperator
{
    private readonly CompiledExpression[] _expressions = columns.Select(c => c.Expression).ToArray();
    private Kernel[]? _kernels;
    private ColumnBatch? _output;

    public bool IsColumnar => input is not null;

    public void Apply(List<object?[]> rows, BatchContext context)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var output = new object?[_expressions.Length];
            for (var c = 0; c < output.Length; c++)
            {
                output[c] = _expressions[c].Evaluate(row);
            }
            rows[i] = output;
        }
    }

    public ColumnBatch Apply(ColumnBatch batch, BatchContext context)
    {
        _kernels ??= Array.ConvertAll(_expressions, e => KernelCompiler.Compile(e, input!));
        _output ??= new ColumnBatch(new StreamSchema(columns.Select(c => new Column(c.Name, c.Expression.Type)).ToList()), new bool[_expressions.Length]);
        _output.CopySelectionFrom(batch);
        for (var c = 0; c < _kernels.Length; c++)
        {
            _output.SetColumn(c, _kernels[c].Evaluate(batch));
        }
        return _output;
    }

    public bool[]? InputColumns(bool[] outputNeeded)
    {
        var read = new bool[input!.Count];
        for (var c = 0; c < _expressions.Length; c++)
        {
            if (outputNeeded[c] && !ExprColumns.Mark(_expressions[c].Syntax, input, read))
            {
                return null;
            }
        }
        return read;
    }
}
