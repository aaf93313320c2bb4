using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sluice.Data;

namespace Sluice.Sinks;

/// <summary>
/// The values of <see cref="EncodedRows"/>: a tag byte and a payload, exact for the values it accepts (unlike the state's
/// <c>RowCodec</c>, which makes NaN and -0.0 canonical for keys and drops a timestamp's kind). Lives only in memory
/// between a sink's staging and its commit, so the format may change with any release.
/// </summary>
internal static class RowValueCodec
{
    /// <summary>The value of the previous row in the same column.</summary>
    public const byte Same = 0;
    private const byte Null = 1, False = 2, True = 3, Int = 4, Long = 5, Double = 6, Timestamp = 7, Text = 8, Binary = 9,
        Struct = 10, Array = 11;
    private const int MaxDepth = 64;

    /// <summary>Writes <paramref name="value"/>, or returns false (having written part of it) for a value not kept exactly.</summary>
    public static bool TryWrite(IBufferWriter<byte> writer, object? value, int depth)
    {
        switch (value)
        {
            case null:
                Tag(writer, Null);
                return true;
            case bool b:
                Tag(writer, b ? True : False);
                return true;
            case int i:
                Tag(writer, Int);
                Varint(writer, (uint)((i << 1) ^ (i >> 31)));
                return true;
            case long l:
                Tag(writer, Long);
                Varint(writer, (ulong)((l << 1) ^ (l >> 63)));
                return true;
            case double d:
                Tag(writer, Double);
                BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), BitConverter.DoubleToInt64Bits(d));
                writer.Advance(8);
                return true;
            case DateTime t:
                Tag(writer, Timestamp);
                Tag(writer, (byte)t.Kind);
                BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), t.Ticks);
                writer.Advance(8);
                return true;
            case string s:
                Tag(writer, Text);
                Varint(writer, (ulong)s.Length);
                var chars = MemoryMarshal.AsBytes(s.AsSpan());
                chars.CopyTo(writer.GetSpan(chars.Length));
                writer.Advance(chars.Length);
                return true;
            case byte[] bytes:
                Tag(writer, Binary);
                Varint(writer, (ulong)bytes.Length);
                bytes.CopyTo(writer.GetSpan(bytes.Length));
                writer.Advance(bytes.Length);
                return true;
            case StructValue s:
                Tag(writer, Struct);
                return TryWriteItems(writer, s.Values, depth);
            case object?[] array:
                Tag(writer, Array);
                return TryWriteItems(writer, array, depth);
            default:
                return false;
        }
    }

    /// <summary>Reads one value at <paramref name="read"/>; <see cref="Same"/> takes <paramref name="previous"/>'s column.</summary>
    public static object? Read(ReadOnlySpan<byte> span, ref int read, object?[] previous, int column)
    {
        var tag = span[read++];
        switch (tag)
        {
            case Same:
                return previous[column];
            case Null:
                return null;
            case False:
                return false;
            case True:
                return true;
            case Int:
                var zigzag = (uint)ReadVarint(span, ref read);
                return (int)(zigzag >> 1) ^ -(int)(zigzag & 1);
            case Long:
                var zigzag64 = ReadVarint(span, ref read);
                return (long)(zigzag64 >> 1) ^ -(long)(zigzag64 & 1);
            case Double:
                var bits = BinaryPrimitives.ReadInt64LittleEndian(span[read..]);
                read += 8;
                return BitConverter.Int64BitsToDouble(bits);
            case Timestamp:
                var kind = (DateTimeKind)span[read++];
                var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[read..]);
                read += 8;
                return new DateTime(ticks, kind);
            case Text:
                var length = (int)ReadVarint(span, ref read);
                var text = new string(MemoryMarshal.Cast<byte, char>(span.Slice(read, length * sizeof(char))));
                read += length * sizeof(char);
                return text;
            case Binary:
                var size = (int)ReadVarint(span, ref read);
                var bytes = span.Slice(read, size).ToArray();
                read += size;
                return bytes;
            case Struct:
                return new StructValue(ReadItems(span, ref read));
            case Array:
                return ReadItems(span, ref read);
            default:
                throw new InvalidOperationException($"Staged rows hold an unknown value tag {tag}.");
        }
    }

    private static bool TryWriteItems(IBufferWriter<byte> writer, object?[] items, int depth)
    {
        if (depth >= MaxDepth)
        {
            return false;
        }
        Varint(writer, (ulong)items.Length);
        foreach (var item in items)
        {
            if (!TryWrite(writer, item, depth + 1))
            {
                return false;
            }
        }
        return true;
    }

    private static object?[] ReadItems(ReadOnlySpan<byte> span, ref int read)
    {
        var items = new object?[(int)ReadVarint(span, ref read)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Read(span, ref read, items, i);
        }
        return items;
    }

    private static void Tag(IBufferWriter<byte> writer, byte tag)
    {
        writer.GetSpan(1)[0] = tag;
        writer.Advance(1);
    }

    private static void Varint(IBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        writer.Advance(n);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int read)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[read++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
