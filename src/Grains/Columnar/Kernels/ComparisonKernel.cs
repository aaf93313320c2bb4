using System.Runtime.CompilerServices;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Evaluation;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// = &lt;&gt; &lt; &lt;= &gt; &gt;= and null-safe &lt;=&gt; on operands the compiler has cast to one type, as
/// <c>Evaluation.Comparisons</c>: ints, bigints and timestamps as longs, doubles by Spark's order (NaN largest and
/// equal to itself), booleans false &lt; true, strings ordinally. Strings of one dictionary, or a column against a
/// constant, test equality by code.
/// </summary>
internal sealed class ComparisonKernel(BinaryOperator op, Kernel left, Kernel right) : Kernel(DataType.Boolean)
{
    public static bool Supports(DataType type) =>
        type.Kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Timestamp or DataTypeKind.Double or DataTypeKind.Boolean or DataTypeKind.String;

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var a = left.Evaluate(batch);
        var b = right.Evaluate(batch);
        var output = Output<BooleanVector>(batch);
        var rows = new Rows(batch);
        switch (a)
        {
            case Int64Vector longs:
                Compare<long, LongOrder>(rows, a, b, output, longs.Values, ((Int64Vector)b).Values);
                break;
            case DoubleVector doubles:
                Compare<double, DoubleOrder>(rows, a, b, output, doubles.Values, ((DoubleVector)b).Values);
                break;
            case BooleanVector booleans:
                Compare<bool, BooleanOrder>(rows, a, b, output, booleans.Values, ((BooleanVector)b).Values);
                break;
            default:
                CompareStrings(rows, (StringVector)a, (StringVector)b, output);
                break;
        }
        return output;
    }

    private void Compare<T, TOrder>(Rows rows, ColumnVector a, ColumnVector b, BooleanVector output, ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where TOrder : struct, IOrder<T>
    {
        var results = output.Values;
        var nullable = a.HasNulls || b.HasNulls;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (nullable && (a.IsNull(r) || b.IsNull(r)))
            {
                SetNullResult(output, results, r, a.IsNull(r) && b.IsNull(r));
            }
            else
            {
                results[r] = Holds(TOrder.Compare(x[r], y[r]));
            }
        }
    }

    private void CompareStrings(Rows rows, StringVector a, StringVector b, BooleanVector output)
    {
        var results = output.Values;
        var x = a.Codes;
        var y = b.Codes;
        var nullable = a.HasNulls || b.HasNulls;
        var byCode = op is BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.NullSafeEqual;
        var (column, other) = right is ConstantKernel ? (a, right) : (b, left);
        if (byCode && other is ConstantKernel { Value: string constant })
        {
            // A column against a literal: one dictionary lookup per batch, then code comparisons.
            var code = column.Dictionary.TryGetCode(constant, out var c) ? c : -2;
            var codes = column.Codes;
            var columnNulls = column.HasNulls;
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                if (columnNulls && column.IsNull(r))
                {
                    SetNullResult(output, results, r, bothNull: false);
                }
                else
                {
                    results[r] = Holds(codes[r] == code ? 0 : 1);
                }
            }
            return;
        }
        var sameDictionary = byCode && ReferenceEquals(a.Dictionary, b.Dictionary);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (nullable && (a.IsNull(r) || b.IsNull(r)))
            {
                SetNullResult(output, results, r, a.IsNull(r) && b.IsNull(r));
            }
            else if (sameDictionary)
            {
                results[r] = Holds(x[r] == y[r] ? 0 : 1);
            }
            else
            {
                results[r] = Holds(string.CompareOrdinal(a.Dictionary[x[r]], b.Dictionary[y[r]]));
            }
        }
    }

    /// <summary>A comparison with a NULL side is NULL; &lt;=&gt; is true when both are NULL, false when one is.</summary>
    private void SetNullResult(BooleanVector output, Span<bool> results, int row, bool bothNull)
    {
        if (op == BinaryOperator.NullSafeEqual)
        {
            results[row] = bothNull;
        }
        else
        {
            results[row] = false;
            output.SetNull(row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Holds(int comparison) => op switch
    {
        BinaryOperator.Equal or BinaryOperator.NullSafeEqual => comparison == 0,
        BinaryOperator.NotEqual => comparison != 0,
        BinaryOperator.Less => comparison < 0,
        BinaryOperator.LessOrEqual => comparison <= 0,
        BinaryOperator.Greater => comparison > 0,
        _ => comparison >= 0,
    };

    /// <summary>A type's SQL order, as a struct so the comparison loop is specialized per type.</summary>
    private interface IOrder<T>
    {
        static abstract int Compare(T a, T b);
    }

    private readonly struct LongOrder : IOrder<long>
    {
        public static int Compare(long a, long b) => a.CompareTo(b);
    }

    private readonly struct DoubleOrder : IOrder<double>
    {
        public static int Compare(double a, double b) => Comparisons.CompareDoubles(a, b);
    }

    private readonly struct BooleanOrder : IOrder<bool>
    {
        public static int Compare(bool a, bool b) => a.CompareTo(b);
    }
}
