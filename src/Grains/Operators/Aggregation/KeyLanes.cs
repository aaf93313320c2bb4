using Sluice.Columnar;
using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Grouping keys of a columnar batch as typed lanes, one long per key per row: a string's dictionary code, an int,
/// bigint or timestamp's value, a double's bits, a boolean's 0 or 1; NULL is 0 with the key's bit set in the row's
/// null-mask lane. Two rows get equal lanes exactly when <see cref="State.Encoding.RowCodec"/> gives their key values
/// equal bytes: doubles are normalized as it normalizes them (one NaN, 0.0 for -0.0), and a dictionary holds each
/// string once (strings that differ only in lone surrogates, which it writes alike, are the caller's to catch).
/// </summary>
internal static class KeyLanes
{
    private const long CanonicalNaNBits = 0x7FF8_0000_0000_0000;

    /// <summary>The key types with a lane.</summary>
    public static bool IsSupported(DataTypeKind kind) =>
        kind is DataTypeKind.String or DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Timestamp or DataTypeKind.Boolean or DataTypeKind.Double;

    /// <summary>Whether the batch holds column <paramref name="column"/> as the vector type of <paramref name="kind"/>.</summary>
    public static bool Accepts(ColumnBatch batch, int column, DataTypeKind kind) => batch.IsRead(column) && batch.Column(column) switch
    {
        StringVector => kind == DataTypeKind.String,
        // Of the planned type too: an int and a bigint of the same value are different keys (and bytes).
        Int64Vector longs => longs.Type.Kind == kind,
        DoubleVector => kind == DataTypeKind.Double,
        BooleanVector => kind == DataTypeKind.Boolean,
        _ => false,
    };

    /// <summary>
    /// Writes the lane of the selected <paramref name="rows"/> at <c>lanes[i * stride + lane]</c>, and for a NULL, 0 there
    /// and <paramref name="nullBit"/> into the mask lane at <c>lanes[i * stride + maskLane]</c> (which the caller zeroed).
    /// </summary>
    public static void Fill(ColumnVector vector, ReadOnlySpan<int> rows, Span<long> lanes, int stride, int lane, int maskLane, long nullBit)
    {
        switch (vector)
        {
            case StringVector strings:
                var codes = strings.Codes;
                for (var i = 0; i < rows.Length; i++)
                {
                    lanes[(i * stride) + lane] = codes[rows[i]];
                }
                break;
            case Int64Vector longs:
                var values = longs.Values;
                for (var i = 0; i < rows.Length; i++)
                {
                    lanes[(i * stride) + lane] = values[rows[i]];
                }
                break;
            case DoubleVector doubles:
                var numbers = doubles.Values;
                for (var i = 0; i < rows.Length; i++)
                {
                    var d = numbers[rows[i]];
                    lanes[(i * stride) + lane] = double.IsNaN(d) ? CanonicalNaNBits : d == 0 ? 0 : BitConverter.DoubleToInt64Bits(d);
                }
                break;
            case BooleanVector booleans:
                var flags = booleans.Values;
                for (var i = 0; i < rows.Length; i++)
                {
                    lanes[(i * stride) + lane] = flags[rows[i]] ? 1 : 0;
                }
                break;
            default:
                throw new InvalidOperationException($"no key lane for a {vector.GetType().Name}");
        }
        if (vector.HasNulls)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                if (vector.IsNull(rows[i]))
                {
                    lanes[(i * stride) + lane] = 0;
                    lanes[(i * stride) + maskLane] |= nullBit;
                }
            }
        }
    }

    /// <summary>The key value of a (non-null) lane as the row path holds it.</summary>
    public static object Value(ColumnVector vector, DataTypeKind kind, long lane) => kind switch
    {
        DataTypeKind.String => ((StringVector)vector).Dictionary[(int)lane],
        DataTypeKind.Int => (int)lane,
        DataTypeKind.Timestamp => new DateTime(lane, DateTimeKind.Utc),
        DataTypeKind.Double => BitConverter.Int64BitsToDouble(lane),
        DataTypeKind.Boolean => lane != 0,
        _ => lane,
    };
}
