using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class ApproxCountDistinctTests
{
    private static readonly ApproxCountDistinctFunction Default = new();

    [Theory]
    [InlineData(0.05, 9)]
    [InlineData(0.01, 14)]
    [InlineData(0.1, 7)]
    [InlineData(0.39, 4)]
    public void Precision_FollowsSparkFormula(double relativeSD, int precision) =>
        Assert.Equal(precision, new ApproxCountDistinctFunction(relativeSD).Precision);

    [Theory]
    [InlineData(0.4)]
    [InlineData(0.001)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    public void RelativeSD_OutsideSupportedRange_IsRejected(double relativeSD)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ApproxCountDistinctFunction(relativeSD));
        Assert.Contains("between 0.0022 and 0.39", error.Message);
    }

    [Fact]
    public void Default_HasSparkPrecisionAndDocumentedError()
    {
        Assert.Equal(9, Default.Precision);
        Assert.Equal(0.046, Default.StandardError, precision: 3);
        Assert.Equal(Sluice.Data.DataType.Long, Default.ResultType);
    }

    [Fact]
    public void Estimate_EmptyOrAllNull_IsZero()
    {
        Assert.Equal(0L, Agg.Run(Default));
        Assert.Equal(0L, Agg.RunAndCheckMerge(Default, null, null));
    }

    [Fact]
    public void Estimate_SmallCounts_AreExactWithLinearCounting()
    {
        Assert.Equal(1L, Agg.RunAndCheckMerge(Default, "a", "a", null, "a"));
        Assert.Equal(3L, Agg.RunAndCheckMerge(Default, "a", "b", "c", "b"));
        var hundred = Enumerable.Range(0, 100).Select(i => (object?)$"user-{i}").ToArray();
        Assert.InRange((long)Agg.Run(Default, hundred)!, 98, 102);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(5_000)]
    [InlineData(100_000)]
    public void Estimate_IsWithinThreeRelativeSDs(int distinct)
    {
        var buffer = Agg.NewBuffer(Default);
        for (var i = 0; i < distinct; i++)
        {
            Default.Update(buffer, 1, $"user-{i}");
            Default.Update(buffer, 1, $"user-{i / 2}");
        }
        var estimate = (long)Default.Evaluate(buffer, 1)!;
        Assert.InRange(estimate, distinct * (1 - 3 * 0.05), distinct * (1 + 3 * 0.05));
    }

    [Fact]
    public void Estimate_RootMeanSquareError_MatchesTheDocumentedStandardError()
    {
        // 40 independent sets at a cardinality past the linear-counting range, where the raw estimator is used.
        const int sets = 40;
        const int distinct = 10_000;
        var squares = 0.0;
        for (var set = 0; set < sets; set++)
        {
            var buffer = Agg.NewBuffer(Default);
            for (var i = 0; i < distinct; i++)
            {
                Default.Update(buffer, 1, ((long)set << 32) | (uint)i);
            }
            var error = ((long)Default.Evaluate(buffer, 1)! - distinct) / (double)distinct;
            squares += error * error;
        }
        var rms = Math.Sqrt(squares / sets);
        Assert.InRange(rms, 0.01, 1.5 * Default.StandardError);
    }

    [Fact]
    public void Merge_OfOverlappingSketches_EstimatesTheUnion()
    {
        var left = Agg.NewBuffer(Default);
        var right = Agg.NewBuffer(Default);
        var union = Agg.NewBuffer(Default);
        for (var i = 0; i < 30_000; i++)
        {
            Default.Update(i < 20_000 ? left : right, 1, i);
            Default.Update(i >= 10_000 ? right : left, 1, i);
            Default.Update(union, 1, i);
        }
        Default.Merge(left, 1, Agg.Reload(right), 1);
        Assert.Equal(union[1], left[1]);
        Assert.InRange((long)Default.Evaluate(left, 1)!, 30_000 * 0.85, 30_000 * 1.15);
    }

    [Fact]
    public void Merge_IsIdempotent()
    {
        var inputs = Enumerable.Range(0, 2_000).Select(i => (object?)i).ToArray();
        var buffer = Agg.Fold(Default, inputs);
        var before = Default.Evaluate(buffer, 1);
        Default.Merge(buffer, 1, Agg.Fold(Default, inputs), 1);
        Assert.Equal(before, Default.Evaluate(buffer, 1));
    }

    [Fact]
    public void Sketch_IsTheSameInEveryProcess()
    {
        // Pinned: Spark's value hash (xxHash64, seed 42) is stable, so partial sketches from agents on other silos merge.
        var buffer = Agg.Fold(Default, Enumerable.Range(0, 1_000).Select(i => (object?)$"k{i}").ToArray());
        Assert.Equal(PinnedEstimate, Default.Evaluate(buffer, 1));
    }

    [Fact]
    public void Merge_OfSketchWithOtherPrecision_FailsClearly()
    {
        var other = new ApproxCountDistinctFunction(0.01);
        var buffer = Agg.NewBuffer(Default);
        var error = Assert.Throws<InvalidOperationException>(() => Default.Merge(buffer, 1, Agg.NewBuffer(other), 1));
        Assert.Contains("expected a sketch of 512 registers", error.Message);
    }

    private const long PinnedEstimate = 1017;
}
