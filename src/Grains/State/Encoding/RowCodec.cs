using System.Buffers;
using System.Buffers.Binary;
using Sluice.Data;

namespace Sluice.State.Encoding;

/// <summary>
/// The binary form of rows, grouping keys and aggregation buffers in the state store: each value is a
/// <see cref="ValueTag"/> byte and its payload, and a row is its values one after another, with no count in front.
/// <list type="bullet">
/// <item>Deterministic: equal values give equal bytes, so encoded keys can be compared and hashed. NaNs become one
/// NaN and -0.0 becomes 0.0 (as Spark normalizes grouping keys); a string with a lone surrogate is written with
/// U+FFFD in its place.</item>
/// <item>Self-describing: decoding needs no schema. Ints and longs are zigzag varints, so small numbers are small.</item>
/// <item>Prefix-friendly: the encoding of <c>[a, b]</c> is a byte prefix of that of <c>[a, b, c]</c>, so a store's
/// prefix scan finds every key that starts with the same values.</item>
/// <item>Not order-preserving: byte order is not SQL order. Nothing needs sorted keys yet.</item>
/// </list>
/// The format is stored in checkpoints; see <see cref="ValueTag"/> for the rule on changing it.
/// </summary>
internal static class RowCodec
{
    /// <summary>Structs and arrays nest at most this deep; deeper input is rejected rather than overflowing the stack.</summary>
    public const int MaxDepth = 64;

    private const long CanonicalNaNBits = 0x7FF8_0000_0000_0000;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    public static byte[] Encode(ReadOnlySpan<object?> values)
    {
        var bytes = EncodeScratch(values).ToArray();
        if (t_scratch!.Capacity > 64 * 1024)
        {
            t_scratch = null;
        }
        return bytes;
    }

    /// <summary>Appends the values to <paramref name="writer"/>; for hot paths that reuse one buffer.</summary>
    /// <exception cref="ArgumentException">A value of an unsupported CLR type, or nesting deeper than <see cref="MaxDepth"/>.</exception>
    public static void Encode(IBufferWriter<byte> writer, ReadOnlySpan<object?> values)
    {
        foreach (var value in values)
        {
            Write(writer, value, depth: 0);
        }
    }

    /// <summary>Appends one value; the same bytes <see cref="Encode(IBufferWriter{byte}, ReadOnlySpan{object?})"/> writes for it.</summary>
    public static void EncodeValue(IBufferWriter<byte> writer, object? value) => Write(writer, value, depth: 0);

    /// <exception cref="FormatException">The bytes are not a whole number of well-formed values.</exception>
    public static object?[] Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RowReader(encoded);
        var values = t_values ??= new List<object?>(16);
        values.Clear();
        while (!reader.End)
        {
            values.Add(reader.ReadValue(depth: 0));
        }
        var row = values.ToArray();
        values.Clear();
        return row;
    }

    [ThreadStatic]
    private static List<object?>? t_values;

    /// <summary>
    /// Encodes into this thread's scratch buffer and returns its bytes, valid until the next encode on the thread:
    /// for lookups that only need an array when the key is new.
    /// </summary>
    public static ReadOnlySpan<byte> EncodeScratch(ReadOnlySpan<object?> values)
    {
        var writer = t_scratch ??= new ArrayBufferWriter<byte>(256);
        writer.ResetWrittenCount();
        Encode(writer, values);
        return writer.WrittenSpan;
    }

    /// <summary>
    /// The key group (0 to <paramref name="keyGroups"/> - 1) of an encoded grouping key: xxHash64 of the bytes, modulo
    /// the count. The same in every process and run, so a key always lands on the same state partition.
    /// </summary>
    public static int KeyGroupOf(ReadOnlySpan<byte> encodedKey, int keyGroups) => KeyGroupOf(KeyHashOf(encodedKey), keyGroups);

    /// <summary>The hash <see cref="KeyGroupOf(ReadOnlySpan{byte}, int)"/> takes modulo the count: xxHash64 of the key's bytes.</summary>
    public static ulong KeyHashOf(ReadOnlySpan<byte> encodedKey) => StableHash64.XxHash64(encodedKey);

    /// <summary>The key group of a key whose <see cref="KeyHashOf"/> is <paramref name="keyHash"/>.</summary>
    public static int KeyGroupOf(ulong keyHash, int keyGroups)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyGroups);
        return (int)(keyHash % (ulong)keyGroups);
    }

    private static void Write(IBufferWriter<byte> writer, object? value, int depth)
    {
        switch (value)
        {
            case null:
                WriteTag(writer, ValueTag.Null);
                break;
            case bool b:
                WriteTag(writer, b ? ValueTag.True : ValueTag.False);
                break;
            case int i:
                WriteInt(writer, i);
                break;
            case long l:
                WriteLong(writer, l);
                break;
            case double d:
                WriteFixed64(writer, ValueTag.Double, double.IsNaN(d) ? CanonicalNaNBits : d == 0 ? 0 : BitConverter.DoubleToInt64Bits(d));
                break;
            case DateTime t:
                WriteFixed64(writer, ValueTag.Timestamp, t.Ticks);
                break;
            case string s:
                WriteString(writer, s);
                break;
            case byte[] bytes:
                WriteBinary(writer, bytes);
                break;
            case StructValue s:
                WriteNested(writer, ValueTag.Struct, s.Values, depth);
                break;
            case object?[] array:
                WriteNested(writer, ValueTag.Array, array, depth);
                break;
            default:
                throw new ArgumentException(
                    $"RowCodec cannot encode a value of type {value.GetType()}; supported are null, bool, int, long, double, " +
                    "string, DateTime, byte[], StructValue and object?[]", nameof(value));
        }
    }

    private static void WriteNested(IBufferWriter<byte> writer, ValueTag tag, object?[] items, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new ArgumentException($"RowCodec cannot encode structs or arrays nested more than {MaxDepth} deep (is an array inside itself?)");
        }
        WriteVarint(writer, tag, (ulong)items.Length);
        foreach (var item in items)
        {
            Write(writer, item, depth + 1);
        }
    }

    /// <summary>A tag with no payload (null, true, false); the typed writers below are for encoders that write a row's values from typed lanes.</summary>
    internal static void WriteTag(IBufferWriter<byte> writer, ValueTag tag)
    {
        writer.GetSpan(1)[0] = (byte)tag;
        writer.Advance(1);
    }

    internal static void WriteVarint(IBufferWriter<byte> writer, ValueTag tag, ulong value)
    {
        var span = writer.GetSpan(11);
        span[0] = (byte)tag;
        var n = 1;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        writer.Advance(n);
    }

    internal static void WriteInt(IBufferWriter<byte> writer, int value) => WriteVarint(writer, ValueTag.Int, (uint)((value << 1) ^ (value >> 31)));

    internal static void WriteLong(IBufferWriter<byte> writer, long value) => WriteVarint(writer, ValueTag.Long, (ulong)((value << 1) ^ (value >> 63)));

    internal static void WriteBinary(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(writer, ValueTag.Binary, (ulong)bytes.Length);
        writer.Write(bytes);
    }

    internal static void WriteFixed64(IBufferWriter<byte> writer, ValueTag tag, long value)
    {
        var span = writer.GetSpan(9);
        span[0] = (byte)tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        writer.Advance(9);
    }

    internal static void WriteString(IBufferWriter<byte> writer, string s)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(s);
        WriteVarint(writer, ValueTag.String, (ulong)length);
        var written = System.Text.Encoding.UTF8.GetBytes(s, writer.GetSpan(length));
        writer.Advance(written);
    }
}
