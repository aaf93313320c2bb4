using System.Buffers.Binary;
using Sluice.Data;
using Sluice.Sources.Parsing;

namespace Sluice.State.Encoding;

/// <summary>
/// Reads the values <see cref="RowCodec"/> wrote. Every length and count is checked against the bytes left before
/// anything is allocated, so damaged state fails with a <see cref="FormatException"/> naming the byte offset
/// instead of an out-of-memory or a wrong value.
/// </summary>
internal ref struct RowReader(ReadOnlySpan<byte> data)
{
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    /// <summary>
    /// The UTF-8 bytes in place of the next value when it is a string (false for any other value, or at the end),
    /// without reading past it: a look ahead, the next read still starts at that value.
    /// </summary>
    public readonly bool TryPeekString(out ReadOnlySpan<byte> utf8)
    {
        var reader = this;
        if (reader.End || (ValueTag)reader._data[reader._position] != ValueTag.String)
        {
            utf8 = default;
            return false;
        }
        var at = reader._position++;
        utf8 = reader.Take(reader.ReadLength(at, "string"));
        return true;
    }

    /// <summary>A binary value's bytes in place (no copy).</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var at = _position;
        if ((ValueTag)_data[_position++] != ValueTag.Binary)
        {
            throw Malformed(at, "a binary value was expected");
        }
        return Take(ReadLength(at, "binary value"));
    }

    public object? ReadValue(int depth)
    {
        var at = _position;
        var tag = (ValueTag)_data[_position++];
        switch (tag)
        {
            case ValueTag.Null:
                return null;
            case ValueTag.False:
                return BoxedFalse;
            case ValueTag.True:
                return BoxedTrue;
            case ValueTag.Int:
                var zigzag = ReadVarint();
                if (zigzag > uint.MaxValue)
                {
                    throw Malformed(at, "an int value does not fit in 32 bits");
                }
                return (int)((uint)zigzag >> 1) ^ -(int)((uint)zigzag & 1);
            case ValueTag.Long:
                var z = ReadVarint();
                return (long)(z >> 1) ^ -(long)(z & 1);
            case ValueTag.Double:
                return BitConverter.Int64BitsToDouble(ReadFixed64());
            case ValueTag.Timestamp:
                var ticks = ReadFixed64();
                if (ticks is < 0 or > 3155378975999999999)
                {
                    throw Malformed(at, $"timestamp ticks {ticks} are out of range");
                }
                return new DateTime(ticks, DateTimeKind.Utc);
            case ValueTag.String:
                return ReadString(at);
            case ValueTag.Binary:
                return Take(ReadLength(at, "binary value")).ToArray();
            case ValueTag.Struct:
                return new StructValue(ReadItems(at, depth, "struct"));
            case ValueTag.Array:
                return ReadItems(at, depth, "array");
            default:
                throw Malformed(at, $"unknown value tag {(byte)tag}");
        }
    }

    /// <summary>
    /// As <see cref="ReadValue(int)"/> of a top-level value, a string taken from <paramref name="strings"/> when it holds
    /// the same bytes (and added to it when new).
    /// </summary>
    public object? ReadValue(Utf8StringCache strings)
    {
        if ((ValueTag)_data[_position] != ValueTag.String)
        {
            return ReadValue(depth: 0);
        }
        var at = _position++;
        var bytes = Take(ReadLength(at, "string"));
        return strings.Find(bytes) ?? strings.Add(bytes, Decode(at, bytes));
    }

    private string ReadString(int at) => Decode(at, Take(ReadLength(at, "string")));

    private readonly string Decode(int at, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw Malformed(at, $"a string is not valid UTF-8 ({e.Message})");
        }
    }

    private object?[] ReadItems(int at, int depth, string what)
    {
        if (depth >= RowCodec.MaxDepth)
        {
            throw Malformed(at, $"structs and arrays nest more than {RowCodec.MaxDepth} deep");
        }
        var items = new object?[ReadLength(at, what)];
        for (var i = 0; i < items.Length; i++)
        {
            if (End)
            {
                throw Malformed(_position, $"the {what} at byte {at} ends after {i} of its {items.Length} values");
            }
            items[i] = ReadValue(depth + 1);
        }
        return items;
    }

    /// <summary>A byte length or item count; each item takes at least one byte, so neither can exceed the bytes left.</summary>
    private int ReadLength(int at, string what)
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed(at, $"the {what} claims {length} bytes or values but only {_data.Length - _position} bytes are left");
        }
        return (int)length;
    }

    private ulong ReadVarint()
    {
        var at = _position;
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (End)
            {
                throw Malformed(at, "a varint is cut off");
            }
            var b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw Malformed(at, "a varint overflows 64 bits");
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (b == 0 && shift > 0)
                {
                    throw Malformed(at, "a varint has a redundant trailing zero byte (not canonical)");
                }
                return value;
            }
        }
        throw Malformed(at, "a varint is longer than 10 bytes");
    }

    private long ReadFixed64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Malformed(_position, $"expected {count} more bytes but only {_data.Length - _position} are left");
        }
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private readonly FormatException Malformed(int at, string problem) =>
        new($"malformed encoded row ({_data.Length} bytes) at byte {at}: {problem}");
}
