using System.Buffers;
using System.Buffers.Binary;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Writes a group's key, as a <see cref="GroupTable"/> holds it (the window start first when there is a window, then a
/// lane per scalar key and the null mask), as exactly the bytes <see cref="RowCodec"/> gives the row path's key values:
/// the state's key, with no key value boxed and no <c>object?[]</c> made. Writes into a span it keeps (no buffer-writer
/// call per value); a string's bytes come from <see cref="EncodedStrings"/>, a window's struct is written in place.
/// </summary>
internal sealed class LaneKeyWriter
{
    /// <summary>The bytes of a window struct: its tag and count, then two tagged timestamps.</summary>
    private const int WindowBytes = 2 + 9 + 9;

    /// <summary>The most a non-string scalar takes: a tag and a 10-byte varint.</summary>
    private const int ScalarBytes = 11;

    private readonly int[] _scalarOf;
    private readonly DataTypeKind[] _kinds;
    private readonly bool[] _isString;
    private readonly EncodedStrings?[] _strings;
    private readonly ArrayBufferWriter<byte> _uncached = new(64);
    private readonly int _lanesFrom;
    private readonly long _sizeTicks;
    private byte[] _buffer = new byte[256];

    public LaneKeyWriter(ColumnarGrouping plan, DataTypeKind[] kinds)
    {
        _scalarOf = [.. Enumerable.Range(0, plan.Keys.Length).Select(k => Array.IndexOf(plan.ScalarKeys, k))];
        _kinds = kinds;
        _isString = [.. kinds.Select(k => k == DataTypeKind.String)];
        _strings = new EncodedStrings?[kinds.Length];
        _lanesFrom = plan.WindowKey >= 0 ? 1 : 0;
        _sizeTicks = plan.SizeTicks;
    }

    /// <summary>Takes the batch's string key vectors' dictionaries: call before the batch's first <see cref="Write"/>.</summary>
    public void Begin(ColumnVector[] vectors)
    {
        for (var s = 0; s < _strings.Length; s++)
        {
            _strings[s] = _isString[s] ? EncodedStrings.For(((StringVector)vectors[s]).Dictionary) : null;
        }
    }

    /// <summary>
    /// <paramref name="key"/>'s bytes, valid until the next call (string lanes are codes of the dictionaries taken by <see cref="Begin"/>).
    /// </summary>
    public ReadOnlySpan<byte> Write(ReadOnlySpan<long> key)
    {
        var mask = _kinds.Length == 0 ? 0 : key[_lanesFrom + _kinds.Length];
        var at = 0;
        foreach (var s in _scalarOf)
        {
            if (s < 0)
            {
                at = WriteWindow(Reserve(at, WindowBytes), key[0], at);
            }
            else if ((mask & (1L << s)) != 0)
            {
                Reserve(at, 1)[at++] = (byte)ValueTag.Null;
            }
            else if (_strings[s] is { } strings)
            {
                var bytes = strings.Of((int)key[_lanesFrom + s], _uncached);
                bytes.CopyTo(Reserve(at, bytes.Length).AsSpan(at));
                at += bytes.Length;
            }
            else
            {
                at = WriteScalar(Reserve(at, ScalarBytes), at, _kinds[s], key[_lanesFrom + s]);
            }
        }
        return _buffer.AsSpan(0, at);
    }

    /// <summary>Brings the encoded strings <paramref name="key"/> will take into cache, for its <see cref="Write"/> a few keys later.</summary>
    public void Prefetch(ReadOnlySpan<long> key)
    {
        var mask = _kinds.Length == 0 ? 0 : key[_lanesFrom + _kinds.Length];
        for (var s = 0; s < _strings.Length; s++)
        {
            if (_strings[s] is { } strings && (mask & (1L << s)) == 0)
            {
                strings.Prefetch((int)key[_lanesFrom + s]);
            }
        }
    }

    /// <summary>The window [start, start + size) as <see cref="RowCodec"/> encodes its struct of two timestamps.</summary>
    private int WriteWindow(byte[] buffer, long start, int at)
    {
        buffer[at] = (byte)ValueTag.Struct;
        buffer[at + 1] = 2;
        buffer[at + 2] = (byte)ValueTag.Timestamp;
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 3), start);
        buffer[at + 11] = (byte)ValueTag.Timestamp;
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 12), start + _sizeTicks);
        return at + WindowBytes;
    }

    /// <summary>A non-null, non-string lane as <see cref="RowCodec"/> encodes its value (a double's lane is already normalized).</summary>
    private static int WriteScalar(byte[] buffer, int at, DataTypeKind kind, long lane)
    {
        switch (kind)
        {
            case DataTypeKind.Int:
                var i = (int)lane;
                return WriteVarint(buffer, at, ValueTag.Int, (uint)((i << 1) ^ (i >> 31)));
            case DataTypeKind.Timestamp:
                return WriteFixed64(buffer, at, ValueTag.Timestamp, lane);
            case DataTypeKind.Double:
                return WriteFixed64(buffer, at, ValueTag.Double, lane);
            case DataTypeKind.Boolean:
                buffer[at] = (byte)(lane != 0 ? ValueTag.True : ValueTag.False);
                return at + 1;
            default:
                return WriteVarint(buffer, at, ValueTag.Long, (ulong)((lane << 1) ^ (lane >> 63)));
        }
    }

    private static int WriteFixed64(byte[] buffer, int at, ValueTag tag, long value)
    {
        buffer[at] = (byte)tag;
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 1), value);
        return at + 9;
    }

    private static int WriteVarint(byte[] buffer, int at, ValueTag tag, ulong value)
    {
        buffer[at++] = (byte)tag;
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
        return at;
    }

    /// <summary>The buffer, with room for <paramref name="bytes"/> more after the first <paramref name="used"/>.</summary>
    private byte[] Reserve(int used, int bytes)
    {
        if (_buffer.Length < used + bytes)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, used + bytes));
        }
        return _buffer;
    }
}
