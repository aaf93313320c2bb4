using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Evaluation;

namespace Sluice.Columnar.Kernels;

/// <summary>timestamp +/- a constant interval: NULL when the result leaves the timestamp range (<see cref="Timestamps.Add"/>).</summary>
internal sealed class IntervalShiftKernel(Kernel time, TimeSpan shift) : Kernel(DataType.Timestamp)
{
    private readonly Conversion<long, long> _shift = (long ticks, out long result) =>
    {
        var shifted = Timestamps.Add(CastConversions.Time(ticks), shift);
        result = shifted.GetValueOrDefault().Ticks;
        return shifted.HasValue;
    };

    /// <summary>As the binder's interval arithmetic: the shift of <c>t + i</c>, <c>i + t</c> or <c>t - i</c>, and the time side; null otherwise.</summary>
    public static (Expr Time, TimeSpan Shift)? Match(BinaryExpr binary)
    {
        if (binary.Operator is not (BinaryOperator.Add or BinaryOperator.Subtract))
        {
            return null;
        }
        var right = Interval(binary.Right);
        var left = Interval(binary.Left);
        return (left, right) switch
        {
            (null, { } shift) => (binary.Left, binary.Operator == BinaryOperator.Subtract ? -shift : shift),
            ({ } shift, null) when binary.Operator == BinaryOperator.Add => (binary.Right, shift),
            _ => null,
        };
    }

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = (Int64Vector)time.Evaluate(batch);
        var output = Output<Int64Vector>(batch);
        Map.Unary(new Rows(batch), input, input.Values, output, output.Values, _shift);
        return output;
    }

    private static TimeSpan? Interval(Expr expr) => expr switch
    {
        IntervalLiteral i => i.Value,
        UnaryExpr { Operator: UnaryOperator.Negate } u when Interval(u.Operand) is { } inner => -inner,
        BinaryExpr { Operator: BinaryOperator.Add } b when Interval(b.Left) is { } l && Interval(b.Right) is { } r => l + r,
        BinaryExpr { Operator: BinaryOperator.Subtract } b when Interval(b.Left) is { } l && Interval(b.Right) is { } r => l - r,
        _ => null,
    };
}
