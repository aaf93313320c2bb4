using Sluice.Data;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class MinMaxTests
{
    private static readonly MinMaxFunction MinInt = new(DataType.Int, isMax: false);
    private static readonly MinMaxFunction MaxInt = new(DataType.Int, isMax: true);
    private static readonly MinMaxFunction MinString = new(DataType.String, isMax: false);
    private static readonly MinMaxFunction MaxString = new(DataType.String, isMax: true);
    private static readonly MinMaxFunction MinDouble = new(DataType.Double, isMax: false);
    private static readonly MinMaxFunction MaxDouble = new(DataType.Double, isMax: true);

    [Fact]
    public void MinMax_OfInts_SkipNulls()
    {
        Assert.Equal(-2, Agg.RunAndCheckMerge(MinInt, 3, null, -2, 7));
        Assert.Equal(7, Agg.RunAndCheckMerge(MaxInt, 3, null, -2, 7));
    }

    [Fact]
    public void MinMax_EmptyOrAllNull_IsNull()
    {
        Assert.Null(Agg.Run(MinInt));
        Assert.Null(Agg.RunAndCheckMerge(MaxInt, null, null));
    }

    [Fact]
    public void MinMax_OfStrings_CompareOrdinallyNotByCulture()
    {
        Assert.Equal("Zebra", Agg.RunAndCheckMerge(MinString, "apple", "Zebra", "banana"));
        Assert.Equal("banana", Agg.RunAndCheckMerge(MaxString, "apple", "Zebra", "banana"));
        Assert.Equal("ab", Agg.RunAndCheckMerge(MaxString, "a", "ab", ""));
    }

    [Fact]
    public void Max_OfStrings_OrdersByCodePointLikeSparkUtf8Bytes()
    {
        // UTF-16 ordinal order would put U+FFFF above U+1F600 (stored as surrogates D83D DE00); Spark's UTF-8 order does not.
        Assert.Equal("😀", Agg.RunAndCheckMerge(MaxString, "\uFFFF", "😀"));
        Assert.Equal("\uFFFF", Agg.RunAndCheckMerge(MinString, "\uFFFF", "😀"));
    }

    [Fact]
    public void MinMax_OfTimestamps_OrderByTime()
    {
        var early = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var late = early.AddMilliseconds(1);
        Assert.Equal(early, Agg.RunAndCheckMerge(new MinMaxFunction(DataType.Timestamp, false), late, null, early));
        Assert.Equal(late, Agg.RunAndCheckMerge(new MinMaxFunction(DataType.Timestamp, true), late, null, early));
    }

    [Fact]
    public void MinMax_OfBooleans_FalseBeforeTrue()
    {
        Assert.Equal(false, Agg.RunAndCheckMerge(new MinMaxFunction(DataType.Boolean, false), true, false, true));
        Assert.Equal(true, Agg.RunAndCheckMerge(new MinMaxFunction(DataType.Boolean, true), false, true, false));
    }

    [Fact]
    public void MinMax_OfDoubles_PutNaNAboveEverythingAsSpark()
    {
        Assert.True(double.IsNaN((double)Agg.RunAndCheckMerge(MaxDouble, 1.0, double.NaN, double.PositiveInfinity)!));
        Assert.Equal(double.NegativeInfinity, Agg.RunAndCheckMerge(MinDouble, 1.0, double.NaN, double.NegativeInfinity));
        Assert.Equal(1.0, Agg.RunAndCheckMerge(MinDouble, double.NaN, 1.0));
    }

    [Fact]
    public void MinMax_OfBinary_CompareUnsignedBytesThenLength()
    {
        var max = new MinMaxFunction(DataType.Binary, true);
        Assert.Equal(new byte[] { 0x80 }, Agg.RunAndCheckMerge(max, new byte[] { 0x7F, 0xFF }, new byte[] { 0x80 }));
        Assert.Equal(new byte[] { 1, 0 }, Agg.RunAndCheckMerge(max, new byte[] { 1 }, new byte[] { 1, 0 }));
    }

    [Fact]
    public void MinMax_OfStructsAndArrays_CompareElementWiseWithNullFirst()
    {
        var t0 = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var windows = new[] { new StructValue([t0.AddSeconds(10), t0.AddSeconds(20)]), new StructValue([t0, t0.AddSeconds(10)]) };
        Assert.Equal(windows[1], Agg.RunAndCheckMerge(new MinMaxFunction(DataType.Window, false), windows[0], windows[1]));

        var arrays = new MinMaxFunction(DataType.Array(DataType.Int), isMax: false);
        var min = Agg.RunAndCheckMerge(arrays, new object?[] { 1, 2 }, new object?[] { 1, null, 5 }, new object?[] { 1 });
        Assert.Equal(new object?[] { 1 }, min);
    }

    [Fact]
    public void Min_KeepsTheFirstOfEqualValues()
    {
        var first = new string('x', 3);
        var second = new string('x', 3);
        Assert.Same(first, Agg.Run(MinString, first, second));
    }
}
