using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's <c>approx_count_distinct(col[, relativeSD])</c>: an estimate of the number of distinct non-null values
/// as a bigint, from a HyperLogLog++ sketch (<see cref="HyperLogLogPlusPlus"/>). The precision is Spark's,
/// p = ceil(2 log2(1.106 / relativeSD)), so the default relativeSD 0.05 gives p = 9, m = 512 registers and a standard
/// error of about 1.04 / sqrt(m) = 4.6% (one sigma; three sigma is 14%). Small counts (below Spark's linear-counting
/// threshold, 400 at p = 9) come out as Spark's: a value is hashed as Spark hashes it (<see cref="SparkValueHash"/>,
/// xxHash64 with seed 42), so the registers, and the linear-counting estimate, are Spark's; the sketch is the same in
/// every process and partials merge across agents.
/// The single slot is the register array, one byte per register (512 bytes per group at p = 9).
/// </summary>
internal sealed class ApproxCountDistinctFunction : IAggregateFunction
{
    public const double DefaultRelativeSD = 0.05;

    private const ulong Seed = 42;

    public ApproxCountDistinctFunction(double relativeSD = DefaultRelativeSD)
    {
        var precision = double.IsFinite(relativeSD) && relativeSD > 0 ? HyperLogLogPlusPlus.PrecisionFor(relativeSD) : -1;
        if (precision is < HyperLogLogPlusPlus.MinPrecision or > HyperLogLogPlusPlus.MaxPrecision)
        {
            throw new ArgumentOutOfRangeException(
                nameof(relativeSD), relativeSD, "approx_count_distinct needs a relativeSD between 0.0022 and 0.39 (precision 4 to 18 bits)");
        }
        RelativeSD = relativeSD;
        Precision = precision;
    }

    public double RelativeSD { get; }

    /// <summary>p: the sketch has 2^p registers.</summary>
    public int Precision { get; }

    /// <summary>The expected relative standard error of an estimate, 1.04 / sqrt(2^p).</summary>
    public double StandardError => 1.04 / Math.Sqrt(1 << Precision);

    public DataType ResultType => DataType.Long;

    public int BufferSlots => 1;

    public void Initialize(object?[] buffer, int offset) => buffer[offset] = new byte[1 << Precision];

    public void Update(object?[] buffer, int offset, object? input)
    {
        if (input is null)
        {
            return;
        }
        HyperLogLogPlusPlus.Add(Registers(buffer, offset), Precision, SparkValueHash.Hash(input, Seed));
    }

    public void Merge(object?[] buffer, int offset, object?[] other, int otherOffset) =>
        HyperLogLogPlusPlus.Merge(Registers(buffer, offset), Registers(other, otherOffset));

    public object? Evaluate(object?[] buffer, int offset) => HyperLogLogPlusPlus.Estimate(Registers(buffer, offset), Precision);

    private byte[] Registers(object?[] buffer, int offset) =>
        buffer[offset] is byte[] registers && registers.Length == 1 << Precision
            ? registers
            : throw new InvalidOperationException(
                $"approx_count_distinct expected a sketch of {1 << Precision} registers in buffer slot {offset}, " +
                $"found {Describe(buffer[offset])}; was the state written with another relativeSD?");

    private static string Describe(object? value) => value switch
    {
        null => "NULL",
        byte[] bytes => $"{bytes.Length} bytes",
        _ => value.GetType().Name,
    };
}
