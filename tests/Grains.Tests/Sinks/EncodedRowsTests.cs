using Sluice.Data;
using Sluice.Sinks;

namespace Sluice.Tests.Sinks;

/// <summary>A sink's staged rows held encoded read back exactly as they were staged.</summary>
public sealed class EncodedRowsTests
{
    private static readonly StructValue Window =
        new([new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 1, 0, 0, 10, DateTimeKind.Utc)]);

    private static List<object?[]> Rows(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new object?[]
        {
            Window, (long)i - 5, i % 3 == 0 ? null : "k" + (i % 7), i % 2 == 0, i, i * 0.5, new object?[] { "a", (long)i },
            new DateTime(2026, 1, 1, 0, 0, 0, i % 2 == 0 ? DateTimeKind.Utc : DateTimeKind.Unspecified).AddTicks(i),
            new byte[] { (byte)i, 2 },
        })];

    [Fact]
    public void Rows_ReadInOrderAtRandomAndEnumerated_EqualTheRowsEncoded()
    {
        var rows = Rows(1_000);

        var encoded = EncodedRows.TryEncode(rows)!;

        Assert.Equal(rows.Count, encoded.Count);
        Assert.Equal(rows, encoded.ToList(), RowComparer.Instance);
        Assert.Equal(rows, [.. encoded], RowComparer.Instance);
        foreach (var i in new[] { 999, 0, 17, 16, 15, 500, 501, 3 })
        {
            Assert.Equal(rows[i], encoded[i], RowComparer.Instance);
        }
        Assert.Equal(rows.Select((_, i) => rows[i]), Enumerable.Range(0, rows.Count).Select(i => encoded[i]), RowComparer.Instance);
    }

    [Fact]
    public void Values_RoundTripExactly_WhereTheStateCodecMakesThemCanonical()
    {
        var nan = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001);
        List<object?[]> rows = [[-0.0, nan, new DateTime(5, DateTimeKind.Local), "\ud800"]];

        var row = EncodedRows.TryEncode(rows)![0];

        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)row[0]!));
        Assert.Equal(0x7FF8_0000_0000_0001, BitConverter.DoubleToInt64Bits((double)row[1]!));
        Assert.Equal(DateTimeKind.Local, ((DateTime)row[2]!).Kind);
        Assert.Equal("\ud800", row[3]);
    }

    [Fact]
    public void Rows_OfASharedWindow_ShareOneDecodedValuePerBlock()
    {
        var encoded = EncodedRows.TryEncode(Rows(64))!;

        var rows = encoded.ToList();

        Assert.Same(rows[1][0], rows[2][0]);
        // Far smaller than the rows as objects: the window is one byte in every row of a block but its first.
        Assert.True(encoded.Bytes < 64 * 100, $"{encoded.Bytes} bytes");
    }

    [Fact]
    public void TryEncode_ValueNotKeptExactly_RefusesTheRows()
    {
        Assert.Null(EncodedRows.TryEncode([[1L], [1.5m]]));
        Assert.Null(EncodedRows.TryEncode([[1L], [1L, 2L]]));
    }

    [Fact]
    public void Rows_OverManyChunks_ReadBackInOrder()
    {
        // Rows of ~40 KB: a 1 MiB chunk holds about 25, so blocks of 16 rows continue across chunks.
        var big = new string('x', 20_000);
        List<object?[]> rows = [.. Enumerable.Range(0, 100).Select(i => new object?[] { i, big + i })];

        var encoded = EncodedRows.TryEncode(rows)!;

        Assert.Equal(rows, encoded.ToList(), RowComparer.Instance);
        Assert.Equal(rows[99], encoded[99], RowComparer.Instance);
        Assert.Equal(rows[40], encoded[40], RowComparer.Instance);
    }

    private sealed class RowComparer : IEqualityComparer<object?[]>
    {
        public static readonly RowComparer Instance = new();

        public bool Equals(object?[]? x, object?[]? y) =>
            x is not null && y is not null && x.Length == y.Length && x.Zip(y).All(p => ValueEquals(p.First, p.Second));

        public int GetHashCode(object?[] obj) => obj.Length;

        private static bool ValueEquals(object? a, object? b) => (a, b) switch
        {
            (object?[] x, object?[] y) => Instance.Equals(x, y),
            (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
            (DateTime x, DateTime y) => x.Ticks == y.Ticks && x.Kind == y.Kind,
            (double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
            _ => Equals(a, b),
        };
    }
}
