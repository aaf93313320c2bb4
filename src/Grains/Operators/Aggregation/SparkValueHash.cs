using System.Buffers.Binary;
using System.Text;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>XxHash64Function.hash(value, dataType, seed)</c>, the hash its HyperLogLog++ feeds on: an int or boolean
/// as 4 little-endian bytes, a bigint, double (by its bits, -0.0 as 0.0 and one canonical NaN) or timestamp (in
/// microseconds) as 8, a string by its UTF-8 bytes, binary as is, each through standard xxHash64; a struct or array
/// folds its non-null items, each hashed with the previous hash as seed. The same values give the same registers as
/// Spark's sketch, so small counts (linear counting) come out exactly as Spark's.
/// </summary>
internal static class SparkValueHash
{
    private const long CanonicalNaN = 0x7ff8000000000000L;

    public static ulong Hash(object? value, ulong seed) => value switch
    {
        null => seed,
        int i => Int(i, seed),
        bool b => Int(b ? 1 : 0, seed),
        long l => Long(l, seed),
        double d => Long(d == 0.0 ? 0L : double.IsNaN(d) ? CanonicalNaN : BitConverter.DoubleToInt64Bits(d), seed),
        DateTime t => Long((t.Ticks - DateTime.UnixEpoch.Ticks) / 10, seed),
        string s => Utf8(s, seed),
        byte[] bytes => StableHash64.XxHash64(bytes, seed),
        StructValue s => Fold(s.Values, seed),
        object?[] items => Fold(items, seed),
        _ => throw new ArgumentException($"cannot hash a {value.GetType().Name} as Spark does", nameof(value)),
    };

    private static ulong Int(int value, ulong seed)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return StableHash64.XxHash64(bytes, seed);
    }

    private static ulong Long(long value, ulong seed)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return StableHash64.XxHash64(bytes, seed);
    }

    private static ulong Utf8(string value, ulong seed)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(value, bytes);
        return StableHash64.XxHash64(bytes, seed);
    }

    private static ulong Fold(object?[] items, ulong seed)
    {
        var hash = seed;
        foreach (var item in items)
        {
            hash = Hash(item, hash);
        }
        return hash;
    }
}
