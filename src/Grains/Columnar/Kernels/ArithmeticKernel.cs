using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Columnar.Kernels;

/// <summary>+ - * / % on operands the compiler has cast to one type (int, bigint or double; / always on doubles).</summary>
internal sealed class ArithmeticKernel : Kernel
{
    private readonly Kernel _left;
    private readonly Kernel _right;
    private readonly Func<ColumnBatch, ColumnVector, ColumnVector, ColumnVector> _run;

    public ArithmeticKernel(BinaryOperator op, Kernel left, Kernel right)
        : base(left.Type)
    {
        _left = left;
        _right = right;
        _run = (left.Type.Kind, op) switch
        {
            (DataTypeKind.Int, BinaryOperator.Add) => Integral<AddInt>,
            (DataTypeKind.Int, BinaryOperator.Subtract) => Integral<SubtractInt>,
            (DataTypeKind.Int, BinaryOperator.Multiply) => Integral<MultiplyInt>,
            (DataTypeKind.Long, BinaryOperator.Add) => Integral<AddLong>,
            (DataTypeKind.Long, BinaryOperator.Subtract) => Integral<SubtractLong>,
            (DataTypeKind.Long, BinaryOperator.Multiply) => Integral<MultiplyLong>,
            (DataTypeKind.Int or DataTypeKind.Long, BinaryOperator.Remainder) => Integral<RemainderIntegral>,
            (DataTypeKind.Double, BinaryOperator.Add) => Floating<AddDouble>,
            (DataTypeKind.Double, BinaryOperator.Subtract) => Floating<SubtractDouble>,
            (DataTypeKind.Double, BinaryOperator.Multiply) => Floating<MultiplyDouble>,
            (DataTypeKind.Double, BinaryOperator.Divide) => Floating<DivideDouble>,
            (DataTypeKind.Double, BinaryOperator.Remainder) => Floating<RemainderDouble>,
            _ => throw new ArgumentOutOfRangeException(nameof(op), $"no arithmetic kernel for {op} on {left.Type}"),
        };
    }

    public static bool Supports(DataType type, BinaryOperator op) =>
        type.Kind == DataTypeKind.Double
            ? op is BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Remainder
            : type.Kind is DataTypeKind.Int or DataTypeKind.Long && op is BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Remainder;

    public override ColumnVector Evaluate(ColumnBatch batch) => _run(batch, _left.Evaluate(batch), _right.Evaluate(batch));

    private Int64Vector Integral<TOp>(ColumnBatch batch, ColumnVector left, ColumnVector right) where TOp : struct, IIntegralOp =>
        Apply<long, Int64Vector, TOp>(batch, left, right);

    private DoubleVector Floating<TOp>(ColumnBatch batch, ColumnVector left, ColumnVector right) where TOp : struct, IFloatingOp =>
        Apply<double, DoubleVector, TOp>(batch, left, right);

    /// <summary>The operator over the selected rows; NULL where an operand is NULL or the operator gives none.</summary>
    private TVector Apply<T, TVector, TOp>(ColumnBatch batch, ColumnVector left, ColumnVector right)
        where T : unmanaged
        where TVector : PrimitiveVector<T>
        where TOp : struct, IArithmeticOp<T>
    {
        var a = ((PrimitiveVector<T>)left).Values;
        var b = ((PrimitiveVector<T>)right).Values;
        var output = Output<TVector>(batch);
        var results = output.Values;
        var rows = new Rows(batch);
        var nullable = left.HasNulls || right.HasNulls;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if ((nullable && (left.IsNull(r) || right.IsNull(r))) || !TOp.TryApply(a[r], b[r], out var result))
            {
                results[r] = default;
                output.SetNull(r);
            }
            else
            {
                results[r] = result;
            }
        }
        return output;
    }
}
