using System.Buffers;
using Sluice.Columnar;
using Sluice.Operators.Aggregation;
using Sluice.State.Encoding;

namespace Sluice.Operators.Sessions;

/// <summary>
/// A row's grouping key as <see cref="RowCodec"/> encodes its key values (the bytes the row route keys it by), written
/// from the batch's key columns: a string column's value is copied from its dictionary's encoded bytes
/// (<see cref="EncodedStrings"/>, one cache line per value) instead of reading the string and boxing it into a values
/// array; a column of another type encodes its value as the row route does. One per agent's route scratch.
/// </summary>
internal sealed class SessionKeyWriter
{
    /// <summary>How many rows ahead a string's encoded bytes are brought into cache.</summary>
    private const int PrefetchRows = 8;

    private readonly ArrayBufferWriter<byte> _key = new(64);
    private readonly ArrayBufferWriter<byte> _uncached = new(64);
    private ColumnVector[] _columns = [];
    private EncodedStrings?[] _strings = [];

    /// <summary>Takes the batch's key columns (and their dictionaries' encoded strings): call before the batch's first <see cref="Write"/>.</summary>
    public void Begin(ColumnVector[] columns)
    {
        _columns = columns;
        _strings = [.. columns.Select(c => c is StringVector strings ? EncodedStrings.For(strings.Dictionary) : null)];
    }

    /// <summary>The key of <paramref name="row"/>; valid until the next call.</summary>
    public ReadOnlySpan<byte> Write(int row)
    {
        _key.ResetWrittenCount();
        for (var k = 0; k < _columns.Length; k++)
        {
            if (_strings[k] is { } strings && !_columns[k].IsNull(row))
            {
                _key.Write(strings.Of(((StringVector)_columns[k]).Codes[row], _uncached));
            }
            else
            {
                RowCodec.EncodeValue(_key, _columns[k].GetValue(row));
            }
        }
        return _key.WrittenSpan;
    }

    /// <summary>Brings the encoded strings of the row <see cref="PrefetchRows"/> selected rows after <paramref name="index"/> into cache.</summary>
    public void Prefetch(ColumnBatch batch, int index)
    {
        if (index + PrefetchRows >= batch.SelectedCount)
        {
            return;
        }
        var row = batch.RowAt(index + PrefetchRows);
        for (var k = 0; k < _columns.Length; k++)
        {
            if (_strings[k] is { } strings && !_columns[k].IsNull(row))
            {
                strings.Prefetch(((StringVector)_columns[k]).Codes[row]);
            }
        }
    }
}
