using Sluice.Data;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class CountSumAvgTests
{
    [Fact]
    public void Count_SkipsNulls_AndCountStarMarkerCountsEveryRow()
    {
        Assert.Equal(2L, Agg.RunAndCheckMerge(CountFunction.Instance, 1, null, 3, null));
        Assert.Equal(4L, Agg.RunAndCheckMerge(CountFunction.Instance, BoundAggregate.RowMarker, BoundAggregate.RowMarker,
            BoundAggregate.RowMarker, BoundAggregate.RowMarker));
    }

    [Fact]
    public void Count_EmptyOrAllNull_IsZeroNotNull()
    {
        Assert.Equal(0L, Agg.Run(CountFunction.Instance));
        Assert.Equal(0L, Agg.RunAndCheckMerge(CountFunction.Instance, null, null));
        Assert.Equal(DataType.Long, CountFunction.Instance.ResultType);
    }

    [Fact]
    public void Sum_OfInts_IsBigintAndDoesNotOverflowAtIntMax()
    {
        var sum = Agg.RunAndCheckMerge(SumFunction.Long, int.MaxValue, int.MaxValue, null, 2);
        Assert.IsType<long>(sum);
        Assert.Equal(2L * int.MaxValue + 2, sum);
    }

    [Fact]
    public void Sum_OfBigints_WrapsOnOverflowAsSparkWithAnsiOff() =>
        Assert.Equal(long.MinValue, Agg.RunAndCheckMerge(SumFunction.Long, long.MaxValue, 1L));

    [Fact]
    public void Sum_OfDoubles_IsDouble() =>
        Assert.Equal(4.0, Agg.RunAndCheckMerge(SumFunction.Double, 1.5, null, 2.5));

    [Fact]
    public void Sum_WithNoNonNullInput_IsNullNotZero()
    {
        Assert.Null(Agg.Run(SumFunction.Long));
        Assert.Null(Agg.RunAndCheckMerge(SumFunction.Long, null, null));
        Assert.Null(Agg.RunAndCheckMerge(SumFunction.Double, [null]));
    }

    [Fact]
    public void Avg_OfInts_IsDoubleOverNonNullInputs()
    {
        var avg = Agg.RunAndCheckMerge(AverageFunction.Instance, 1, 2, null, 3, 4);
        Assert.IsType<double>(avg);
        Assert.Equal(2.5, avg);
    }

    [Fact]
    public void Avg_OfBigintsAndDoubles_IsDouble()
    {
        Assert.Equal(5e9, Agg.RunAndCheckMerge(AverageFunction.Instance, 4_000_000_000L, 6_000_000_000L));
        Assert.Equal(0.75, Agg.RunAndCheckMerge(AverageFunction.Instance, 0.5, 1.0));
    }

    [Fact]
    public void Avg_WithNoNonNullInput_IsNull()
    {
        Assert.Null(Agg.Run(AverageFunction.Instance));
        Assert.Null(Agg.RunAndCheckMerge(AverageFunction.Instance, null, null));
    }

    [Fact]
    public void Buffers_HoldOnlyValuesTheRowCodecStores()
    {
        var buffer = Agg.Fold(AverageFunction.Instance, [1, 2]);
        Assert.Equal(buffer, Agg.Reload(buffer));
    }
}
