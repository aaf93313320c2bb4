using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class SparkValueHashTests
{
    /// <summary>Spark's documented example: <c>SELECT xxhash64('Spark', array(123), 2)</c> is 5602566077635097486 (seed 42).</summary>
    [Fact]
    public void Hash_OfSparksDocumentedExample_IsSparksValue() =>
        Assert.Equal(5602566077635097486UL, SparkValueHash.Hash(new object?[] { "Spark", new object?[] { 123 }, 2 }, 42));

    [Fact]
    public void Hash_NormalizesNegativeZeroAndNaN()
    {
        Assert.Equal(SparkValueHash.Hash(0.0, 42), SparkValueHash.Hash(-0.0, 42));
        Assert.Equal(SparkValueHash.Hash(double.NaN, 42), SparkValueHash.Hash(BitConverter.Int64BitsToDouble(0x7ff8000000000001L), 42));
    }

    [Fact]
    public void ApproxCountDistinct_OfSmallSets_IsExact_AsSparksLinearCounting()
    {
        var function = new ApproxCountDistinctFunction();
        Assert.Equal(3L, Agg.RunAndCheckMerge(function, 1, 1, 2, 2, 3));
        Assert.Equal(0L, Agg.Run(function, null, null));
    }
}
