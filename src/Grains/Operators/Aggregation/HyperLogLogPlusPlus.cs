using System.Numerics;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// The register arithmetic of HyperLogLog++ (Heule, Nunkesser and Hall, 2013) as Spark implements it, over a dense
/// array of m = 2^p one-byte registers. A 64-bit hash picks a register with its top p bits; the register keeps the
/// largest rank (leading zeros + 1) of the remaining bits. Merging takes the per-register maximum, so it is
/// associative, commutative and idempotent.
/// <para>
/// The estimate is Spark's small-range linear counting, m ln(m / V) with V the empty registers, while that stays
/// under Spark's per-precision thresholds. Above them, where Spark subtracts a bias interpolated from empirical
/// tables, Sluice uses Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog
/// sketches", 2017), which needs no tables and is unbiased across the range. Standard error is about
/// 1.04 / sqrt(m): 4.6% at p = 9 (Spark's default relativeSD 0.05).
/// </para>
/// </summary>
internal static class HyperLogLogPlusPlus
{
    public const int MinPrecision = 4;
    public const int MaxPrecision = 18;

    /// <summary>Spark's cut-over from linear counting, for p = 4..18 (from the HLL++ paper).</summary>
    private static readonly double[] Thresholds =
        [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 11500, 20000, 50000, 120000, 350000];

    /// <summary>Spark's precision for a relative standard deviation: p = ceil(2 log2(1.106 / rsd)).</summary>
    public static int PrecisionFor(double relativeSD) => (int)Math.Ceiling(2.0 * Math.Log(1.106 / relativeSD) / Math.Log(2.0));

    public static void Add(byte[] registers, int precision, ulong hash)
    {
        var index = (int)(hash >> (64 - precision));
        // The padding bit caps the rank at 64 - p + 1 when the remaining bits are all zero.
        var rest = (hash << precision) | (1UL << (precision - 1));
        var rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (rank > registers[index])
        {
            registers[index] = rank;
        }
    }

    public static void Merge(byte[] into, byte[] from)
    {
        for (var i = 0; i < into.Length; i++)
        {
            if (from[i] > into[i])
            {
                into[i] = from[i];
            }
        }
    }

    public static long Estimate(byte[] registers, int precision)
    {
        var m = registers.Length;
        var q = 64 - precision;
        Span<int> counts = stackalloc int[q + 2];
        foreach (var register in registers)
        {
            counts[Math.Min((int)register, q + 1)]++;
        }
        if (counts[0] > 0)
        {
            var linear = m * Math.Log((double)m / counts[0]);
            if (linear <= Thresholds[precision - MinPrecision])
            {
                return JavaRound(linear);
            }
        }
        return JavaRound(ErtlEstimate(counts, m, q));
    }

    /// <summary>Java's <c>Math.round</c>, which Spark uses: halves round up, where .NET's default rounds them to even.</summary>
    private static long JavaRound(double value) => (long)Math.Floor(value + 0.5);

    /// <summary>Ertl's improved raw estimator (Algorithm 6 of the paper) from the histogram of register values.</summary>
    private static double ErtlEstimate(ReadOnlySpan<int> counts, int m, int q)
    {
        var z = m * Tau(1.0 - (double)counts[q + 1] / m);
        for (var k = q; k >= 1; k--)
        {
            z = 0.5 * (z + counts[k]);
        }
        z += m * Sigma((double)counts[0] / m);
        return m / (2.0 * Math.Log(2.0)) * m / z;
    }

    private static double Sigma(double x)
    {
        if (x == 1.0)
        {
            return double.PositiveInfinity;
        }
        var y = 1.0;
        var z = x;
        double previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        }
        while (z != previous);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0)
        {
            return 0.0;
        }
        var y = 1.0;
        var z = 1.0 - x;
        double previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= (1.0 - x) * (1.0 - x) * y;
        }
        while (z != previous);
        return z / 3.0;
    }
}
