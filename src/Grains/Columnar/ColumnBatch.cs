using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>
/// A batch of rows as typed columns laid out by <see cref="Schema"/>, with an optional selection vector: a filter
/// narrows <see cref="Selection"/> (ascending row indexes) instead of moving values. A column a query never reads may
/// be left unread (<see cref="IsRead"/> false): a reader skips it, and nothing may ask for it. Batches and their
/// vectors are kept by their owner (a partition agent) and reused: <see cref="Reset"/> empties them for the next read.
/// </summary>
internal sealed class ColumnBatch
{
    private readonly ColumnVector?[] _columns;
    private int[] _selection = [];
    private int _selected = -1;

    /// <param name="schema">The layout.</param>
    /// <param name="read">Which columns are read (null: all of them).</param>
    public ColumnBatch(StreamSchema schema, IReadOnlyList<bool>? read = null)
    {
        Schema = schema;
        _columns = new ColumnVector?[schema.Columns.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = read is null || read[i] ? ColumnVector.Create(schema.Columns[i].Type) : null;
        }
    }

    public StreamSchema Schema { get; }

    /// <summary>Physical rows in the batch, selected or not. Readers set it after appending to every read column.</summary>
    public int RowCount { get; set; }

    /// <summary>Whether a selection vector narrows the batch.</summary>
    public bool HasSelection => _selected >= 0;

    /// <summary>The rows that pass the filters so far: every physical row without a selection vector.</summary>
    public int SelectedCount => _selected >= 0 ? _selected : RowCount;

    /// <summary>The selected row indexes, ascending; only meaningful when <see cref="HasSelection"/>.</summary>
    public ReadOnlySpan<int> Selection => _selection.AsSpan(0, Math.Max(_selected, 0));

    public bool IsRead(int column) => _columns[column] is not null;

    /// <summary>Column <paramref name="index"/>, which must have been read.</summary>
    public ColumnVector Column(int index) =>
        _columns[index] ?? throw new InvalidOperationException($"column '{Schema.Columns[index].Name}' was not read for this batch");

    /// <summary>Typed access: column <paramref name="index"/> as <typeparamref name="T"/>.</summary>
    public T Column<T>(int index) where T : ColumnVector => (T)Column(index);

    /// <summary>Replaces (or adds, in a wider schema's batch) a column: a projection computes new vectors.</summary>
    public void SetColumn(int index, ColumnVector vector) => _columns[index] = vector;

    /// <summary>
    /// A writable selection buffer of at least <see cref="SelectedCount"/> slots, for a filter to fill; commit with
    /// <see cref="SetSelection"/>. It may alias the current selection (a filter reads index i before writing at or below i).
    /// </summary>
    public Span<int> SelectionBuffer()
    {
        if (_selection.Length < RowCount)
        {
            var grown = new int[Math.Max(RowCount, 1024)];
            _selection.AsSpan(0, Math.Max(_selected, 0)).CopyTo(grown);
            _selection = grown;
        }
        return _selection;
    }

    /// <summary>Keeps the first <paramref name="count"/> indexes of <see cref="SelectionBuffer"/> as the selection.</summary>
    public void SetSelection(int count) => _selected = count;

    /// <summary>Takes <paramref name="source"/>'s row count and selection: a projection's batch selects the rows its input did.</summary>
    public void CopySelectionFrom(ColumnBatch source)
    {
        RowCount = source.RowCount;
        if (!source.HasSelection)
        {
            _selected = -1;
            return;
        }
        source.Selection.CopyTo(SelectionBuffer());
        _selected = source._selected;
    }

    /// <summary>The physical index of the <paramref name="i"/>-th selected row.</summary>
    public int RowAt(int i) => _selected >= 0 ? _selection[i] : i;

    /// <summary>Empties the batch (every vector and the selection) for the next read, keeping arrays and dictionaries.</summary>
    public void Reset()
    {
        foreach (var column in _columns)
        {
            column?.Reset();
        }
        RowCount = 0;
        _selected = -1;
    }

    /// <summary>Appends the selected rows as <c>object?[]</c> rows, boxed as the row path holds values (every column must be read).</summary>
    public void AppendRowsTo(List<object?[]> rows)
    {
        var count = SelectedCount;
        rows.EnsureCapacity(rows.Count + count);
        var columns = Enumerable.Range(0, _columns.Length).Select(Column).ToArray();
        for (var i = 0; i < count; i++)
        {
            var r = RowAt(i);
            var row = new object?[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                row[c] = columns[c].GetValue(r);
            }
            rows.Add(row);
        }
    }

    /// <summary>A batch holding <paramref name="rows"/> (laid out by <paramref name="schema"/>), every column read.</summary>
    public static ColumnBatch FromRows(StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var batch = new ColumnBatch(schema);
        foreach (var column in batch._columns)
        {
            column!.Reserve(rows.Count);
        }
        foreach (var row in rows)
        {
            for (var c = 0; c < batch._columns.Length; c++)
            {
                batch._columns[c]!.AppendValue(row[c]);
            }
        }
        batch.RowCount = rows.Count;
        return batch;
    }
}
