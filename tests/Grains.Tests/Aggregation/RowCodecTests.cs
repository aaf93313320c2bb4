using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Tests.Aggregation;

public class RowCodecTests
{
    private static readonly DateTime Ts = new(2024, 1, 1, 0, 0, 7, DateTimeKind.Utc);

    public static TheoryData<object?> Values() => new()
    {
        null, true, false, 0, 1, -1, int.MaxValue, int.MinValue, 0L, 300L, -300L, long.MaxValue, long.MinValue,
        0.0, 1.5, -2.25, double.MaxValue, double.Epsilon, double.PositiveInfinity, double.NegativeInfinity,
        "", "Alice", "ünïcødé ✓ 😀", Ts, DateTime.MinValue.ToUniversalTime(), new DateTime(DateTime.MaxValue.Ticks, DateTimeKind.Utc),
        Array.Empty<byte>(), new byte[] { 0, 1, 255 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Decode_OfEncode_ReturnsEqualValueOfSameClrType(object? value)
    {
        var decoded = Assert.Single(RowCodec.Decode(RowCodec.Encode([value])));
        Assert.Equal(value, decoded);
        Assert.Equal(value?.GetType(), decoded?.GetType());
    }

    [Fact]
    public void Decode_Timestamp_IsUtc()
    {
        var decoded = (DateTime)RowCodec.Decode(RowCodec.Encode([Ts]))[0]!;
        Assert.Equal(DateTimeKind.Utc, decoded.Kind);
        Assert.Equal(Ts.Ticks, decoded.Ticks);
    }

    [Fact]
    public void RoundTrip_NestedStructsArraysAndNulls_KeepsShape()
    {
        var window = new StructValue([Ts, Ts.AddSeconds(10)]);
        object?[] row =
        [
            window,
            new object?[] { 1, null, new StructValue([null, "x", new object?[] { new byte[] { 9 } }]) },
            new StructValue([]),
            Array.Empty<object?>(),
            null,
        ];
        var decoded = RowCodec.Decode(RowCodec.Encode(row));
        Assert.Equal(5, decoded.Length);
        Assert.Equal(window, decoded[0]);
        var array = Assert.IsType<object?[]>(decoded[1]);
        Assert.Equal(1, array[0]);
        Assert.Null(array[1]);
        var inner = Assert.IsType<StructValue>(array[2]);
        Assert.Null(inner.Values[0]);
        Assert.Equal("x", inner.Values[1]);
        Assert.Equal(new byte[] { 9 }, Assert.IsType<byte[]>(Assert.IsType<object?[]>(inner.Values[2])[0]));
        Assert.Empty(Assert.IsType<StructValue>(decoded[2]).Values);
        Assert.Empty(Assert.IsType<object?[]>(decoded[3]));
        Assert.Null(decoded[4]);
    }

    [Fact]
    public void Encode_EmptyRow_IsEmptyAndDecodesToEmptyRow()
    {
        Assert.Empty(RowCodec.Encode([]));
        Assert.Empty(RowCodec.Decode([]));
    }

    [Fact]
    public void Encode_SameValuesInDifferentObjects_GivesSameBytes()
    {
        object?[] a = ["k", 1, 2L, 0.5, Ts, new StructValue([Ts, null]), new object?[] { "x" }, new byte[] { 1 }];
        object?[] b = [new string("k"), 1, 2L, 0.5, new DateTime(Ts.Ticks, DateTimeKind.Utc), new StructValue([Ts, null]), new object?[] { "x" }, new byte[] { 1 }];
        Assert.Equal(RowCodec.Encode(a), RowCodec.Encode(b));
    }

    [Fact]
    public void Encode_NaNsAndNegativeZero_AreNormalizedAsSparkGroupingKeys()
    {
        var otherNaN = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0001));
        Assert.True(double.IsNaN(otherNaN));
        Assert.Equal(RowCodec.Encode([double.NaN]), RowCodec.Encode([otherNaN]));
        Assert.Equal(RowCodec.Encode([0.0]), RowCodec.Encode([-0.0]));
        Assert.True(double.IsNaN((double)RowCodec.Decode(RowCodec.Encode([otherNaN]))[0]!));
    }

    [Fact]
    public void Encode_DifferentTypesOfEqualNumbers_GiveDifferentBytes()
    {
        Assert.NotEqual(RowCodec.Encode([1]), RowCodec.Encode([1L]));
        Assert.NotEqual(RowCodec.Encode([1]), RowCodec.Encode([1.0]));
        Assert.NotEqual(RowCodec.Encode(["1"]), RowCodec.Encode([1]));
    }

    [Fact]
    public void Encode_IsCompactAndHasDocumentedLayout()
    {
        Assert.Equal(new byte[] { 0, 2, 1, 3, 2, 4, 1 }, RowCodec.Encode([null, true, false, 1, -1L]));
        Assert.Equal(new byte[] { 6, 2, (byte)'h', (byte)'i' }, RowCodec.Encode(["hi"]));
        Assert.Equal(new byte[] { 3, 0xAC, 0x02 }, RowCodec.Encode([150]));
        Assert.Equal(new byte[] { 9, 2, 3, 2, 0 }, RowCodec.Encode([new StructValue([1, null])]));
    }

    [Fact]
    public void Encode_RowPrefix_IsBytePrefix()
    {
        var shorter = RowCodec.Encode(["user-1", Ts]);
        var longer = RowCodec.Encode(["user-1", Ts, 42]);
        Assert.True(longer.AsSpan().StartsWith(shorter));
    }

    [Fact]
    public void Encode_IntoBufferWriter_AppendsTheSameBytes()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        RowCodec.Encode(writer, ["a", 1]);
        RowCodec.EncodeValue(writer, 2L);
        Assert.Equal(RowCodec.Encode(["a", 1, 2L]), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_UnsupportedClrType_ThrowsNamingTheType()
    {
        var error = Assert.Throws<ArgumentException>(() => RowCodec.Encode([1.5m]));
        Assert.Contains("System.Decimal", error.Message);
    }

    [Fact]
    public void Encode_ArrayContainingItself_ThrowsInsteadOfOverflowingTheStack()
    {
        var array = new object?[1];
        array[0] = array;
        var error = Assert.Throws<ArgumentException>(() => RowCodec.Encode([array]));
        Assert.Contains("nested more than 64", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 42 }, "unknown value tag 42")]
    [InlineData(new byte[] { 3 }, "varint is cut off")]
    [InlineData(new byte[] { 3, 0x80 }, "varint is cut off")]
    [InlineData(new byte[] { 3, 0x80, 0x80, 0x80, 0x80, 0x10 }, "does not fit in 32 bits")]
    [InlineData(new byte[] { 4, 0x81, 0x00 }, "not canonical")]
    [InlineData(new byte[] { 4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 }, "overflows 64 bits")]
    [InlineData(new byte[] { 5, 0, 0, 0 }, "expected 8 more bytes but only 3 are left")]
    [InlineData(new byte[] { 6, 5, (byte)'a' }, "claims 5 bytes or values but only 1 bytes are left")]
    [InlineData(new byte[] { 6, 1, 0xFF }, "not valid UTF-8")]
    [InlineData(new byte[] { 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, "out of range")]
    [InlineData(new byte[] { 8, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "claims 4294967295 bytes")]
    [InlineData(new byte[] { 10, 2, 6, 0 }, "the array at byte 0 ends after 1 of its 2 values")]
    [InlineData(new byte[] { 10, 2, 0 }, "claims 2 bytes or values but only 1 bytes are left")]
    public void Decode_MalformedInput_ThrowsFormatExceptionSayingWhere(byte[] bytes, string problem)
    {
        var error = Assert.Throws<FormatException>(() => RowCodec.Decode(bytes));
        Assert.Contains("malformed encoded row", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Decode_NestingDeeperThanLimit_ThrowsFormatException()
    {
        var bytes = Enumerable.Repeat(new byte[] { 10, 1 }, RowCodec.MaxDepth + 1).SelectMany(b => b).Append((byte)0).ToArray();
        var error = Assert.Throws<FormatException>(() => RowCodec.Decode(bytes));
        Assert.Contains("nest more than 64 deep", error.Message);
    }
}
