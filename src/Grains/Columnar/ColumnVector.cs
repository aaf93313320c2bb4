using System.Runtime.CompilerServices;
using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>
/// One column of a <see cref="ColumnBatch"/>: values of one SQL type in a typed array, with an Arrow-style validity
/// bitmap (bit set: a value; clear: NULL). A vector without nulls has no bitmap at all, so kernels can skip the
/// checks. Vectors are reused from batch to batch (<see cref="Reset"/> keeps the arrays), so a warm reader allocates
/// nothing per row.
/// </summary>
internal abstract class ColumnVector(DataType type)
{
    private ulong[]? _validity;

    // The bitmap of the last batch, kept by Reset so a reused vector with NULLs allocates none per batch.
    private ulong[]? _spareValidity;

    public DataType Type { get; } = type;

    /// <summary>Rows in the vector (selected or not).</summary>
    public int Count { get; protected set; }

    /// <summary>Whether some row may be NULL (false: every row has a value and there is no bitmap).</summary>
    public bool HasNulls => _validity is not null;

    /// <summary>The validity bitmap, one bit per row (bit set: a value); empty when the vector has no nulls.</summary>
    public ReadOnlySpan<ulong> Validity => _validity is null ? default : _validity.AsSpan(0, (Count + 63) >> 6);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsNull(int row) => _validity is { } v && (v[row >> 6] & (1UL << row)) == 0;

    /// <summary>The value of <paramref name="row"/> as the row path holds it (int, long, double, bool, string, UTC DateTime, ...); null is SQL NULL.</summary>
    public abstract object? GetValue(int row);

    /// <summary>Appends a value as the row path holds it (the type's CLR value or null).</summary>
    public abstract void AppendValue(object? value);

    /// <summary>Appends SQL NULL.</summary>
    public void AppendNull()
    {
        var row = Count;
        AppendDefault();
        MarkNull(row);
    }

    /// <summary>Empties the vector, keeping its arrays for the next batch.</summary>
    public virtual void Reset()
    {
        Count = 0;
        _spareValidity = _validity ?? _spareValidity;
        _validity = null;
    }

    /// <summary>
    /// Empties the vector and makes it <paramref name="rows"/> rows long, without nulls and with unspecified values, for
    /// a kernel that writes its result by physical row index (the rows a selection vector skips are never read).
    /// </summary>
    public void ResetTo(int rows)
    {
        Reset();
        Reserve(rows);
        Count = rows;
    }

    /// <summary>Marks <paramref name="row"/> NULL; a kernel writing by index also writes the type's default in its slot.</summary>
    public void SetNull(int row) => MarkNull(row);

    /// <summary>Makes room for <paramref name="rows"/> more rows.</summary>
    public abstract void Reserve(int rows);

    /// <summary>Appends the type's default value (the slot of a NULL).</summary>
    protected abstract void AppendDefault();

    /// <summary>Clears <paramref name="row"/>'s validity bit, allocating the bitmap (all valid so far) on the first NULL.</summary>
    protected void MarkNull(int row)
    {
        if (_validity is null && _spareValidity is { } spare && spare.Length > row >> 6)
        {
            spare.AsSpan().Fill(ulong.MaxValue);
            _validity = spare;
            _spareValidity = null;
        }
        if (_validity is null || _validity.Length <= row >> 6)
        {
            var grown = new ulong[Math.Max((row >> 6) + 1, (Capacity + 63) >> 6)];
            if (_validity is null)
            {
                grown.AsSpan().Fill(ulong.MaxValue);
            }
            else
            {
                _validity.CopyTo(grown, 0);
                grown.AsSpan(_validity.Length).Fill(ulong.MaxValue);
            }
            _validity = grown;
        }
        _validity[row >> 6] &= ~(1UL << row);
    }

    /// <summary>Rows the vector can hold before its arrays grow.</summary>
    protected abstract int Capacity { get; }

    /// <summary>A new empty vector for <paramref name="type"/>: typed for int, long, timestamp, double, boolean and string; boxed otherwise.</summary>
    public static ColumnVector Create(DataType type) => type.Kind switch
    {
        DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Timestamp => new Int64Vector(type),
        DataTypeKind.Double => new DoubleVector(),
        DataTypeKind.Boolean => new BooleanVector(),
        DataTypeKind.String => new StringVector(),
        _ => new ObjectVector(type),
    };

    /// <summary>The next array size for <paramref name="needed"/> slots (doubling, at least 1,024).</summary>
    protected static int Grow(int current, int needed) => Math.Max(needed, Math.Max(1024, current * 2));
}
