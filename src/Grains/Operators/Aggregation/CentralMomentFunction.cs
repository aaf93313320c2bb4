using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's second-moment aggregates (CentralMomentAgg): <c>stddev</c>/<c>std</c>/<c>stddev_samp</c>,
/// <c>stddev_pop</c>, <c>variance</c>/<c>var_samp</c> and <c>var_pop</c>, a double over numeric input. Three slots as
/// Spark's buffer, updated with Welford's recurrence and merged with Chan's formula: the count, the mean and M2 (the sum
/// of squared deviations from the mean). NULL inputs are skipped; a group without non-null input gives NULL, and the
/// sample forms of a single value give NULL too (Spark 3's default, <c>spark.sql.legacy.statisticalAggregate</c> false).
/// </summary>
internal sealed class CentralMomentFunction : IAggregateFunction
{
    private CentralMomentFunction(bool sample, bool root)
    {
        Sample = sample;
        Root = root;
    }

    public static readonly CentralMomentFunction StddevSamp = new(sample: true, root: true);
    public static readonly CentralMomentFunction StddevPop = new(sample: false, root: true);
    public static readonly CentralMomentFunction VarSamp = new(sample: true, root: false);
    public static readonly CentralMomentFunction VarPop = new(sample: false, root: false);

    /// <summary>Divides M2 by n - 1 (sample) instead of n (population).</summary>
    public bool Sample { get; }

    /// <summary>The standard deviation (the square root of the variance).</summary>
    public bool Root { get; }

    public DataType ResultType => DataType.Double;

    public int BufferSlots => 3;

    public void Initialize(object?[] buffer, int offset)
    {
        buffer[offset] = Boxes.ZeroLong;
        buffer[offset + 1] = Boxes.ZeroDouble;
        buffer[offset + 2] = Boxes.ZeroDouble;
    }

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is null)
        {
            return;
        }
        var x = input switch
        {
            int i => i,
            long l => l,
            _ => (double)input,
        };
        var n = (long)buffer[offset]! + 1;
        var mean = (double)buffer[offset + 1]!;
        var delta = x - mean;
        var deltaN = delta / n;
        buffer[offset] = Boxes.Long(n);
        buffer[offset + 1] = mean + deltaN;
        buffer[offset + 2] = (double)buffer[offset + 2]! + (delta * (delta - deltaN));
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset)
    {
        var n1 = (long)buffer[offset]!;
        var n2 = (long)other[otherOffset]!;
        if (n2 == 0)
        {
            return;
        }
        var n = n1 + n2;
        var mean1 = (double)buffer[offset + 1]!;
        var delta = (double)other[otherOffset + 1]! - mean1;
        var deltaN = delta / n;
        buffer[offset] = Boxes.Long(n);
        buffer[offset + 1] = mean1 + (deltaN * n2);
        buffer[offset + 2] = (double)buffer[offset + 2]! + (double)other[otherOffset + 2]! + (delta * deltaN * n1 * n2);
    }

    public object? Evaluate(object?[] buffer, int offset)
    {
        var n = (long)buffer[offset]!;
        var divisor = Sample ? n - 1 : n;
        if (n == 0 || divisor == 0)
        {
            return null;
        }
        var variance = (double)buffer[offset + 2]! / divisor;
        return Root ? Math.Sqrt(variance) : variance;
    }
}
