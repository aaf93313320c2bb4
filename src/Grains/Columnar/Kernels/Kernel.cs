using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// An expression compiled to run a column at a time (<see cref="KernelCompiler"/>): it evaluates the selected rows of a
/// <see cref="ColumnBatch"/> into a vector indexed by physical row, so the batch's selection vector still applies to the
/// result. Rows the selection skips hold unspecified values. A kernel owns its output vector and reuses it: the
/// result is valid until the next <see cref="Evaluate"/> (a partition agent finishes a batch before reading the next).
/// </summary>
internal abstract class Kernel(DataType type)
{
    private ColumnVector? _output;

    /// <summary>The SQL type of the result, the row evaluator's type for the same expression.</summary>
    public DataType Type { get; } = type;

    public abstract ColumnVector Evaluate(ColumnBatch batch);

    /// <summary>This kernel's output vector, emptied and sized to the batch's physical rows.</summary>
    protected T Output<T>(ColumnBatch batch) where T : ColumnVector
    {
        _output ??= ColumnVector.Create(Type);
        _output.ResetTo(batch.RowCount);
        return (T)_output;
    }
}
