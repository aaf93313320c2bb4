using System.Runtime.CompilerServices;

namespace Sluice.Columnar.Kernels;

/// <summary>The selected rows of a batch as physical indexes, read without copying the selection vector.</summary>
internal readonly ref struct Rows
{
    private readonly ReadOnlySpan<int> _selection;
    private readonly bool _all;

    public Rows(ColumnBatch batch)
    {
        _all = !batch.HasSelection;
        _selection = batch.Selection;
        Count = batch.SelectedCount;
    }

    public int Count { get; }

    /// <summary>The physical index of the <paramref name="i"/>-th selected row.</summary>
    public int this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _all ? i : _selection[i];
    }
}
