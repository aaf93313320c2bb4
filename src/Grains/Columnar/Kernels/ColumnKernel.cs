using Sluice.Data;

namespace Sluice.Columnar.Kernels;

/// <summary>A column reference: the batch's own vector, passed through without a copy.</summary>
internal sealed class ColumnKernel(DataType type, int index) : Kernel(type)
{
    public int Index { get; } = index;

    public override ColumnVector Evaluate(ColumnBatch batch) => batch.Column(Index);
}
