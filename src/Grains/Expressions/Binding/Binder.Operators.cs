using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Expressions.Functions;

namespace Sluice.Expressions.Binding;

internal sealed partial class Binder
{
    private BoundExpression BindUnary(UnaryExpr unary)
    {
        if (unary.Operator == UnaryOperator.Not)
        {
            var operand = BindBoolean(unary.Operand, "the operand of NOT");
            return BoundExpression.Of(DataType.Boolean, Logic.Not(operand.As<bool?>()), operand);
        }
        var value = Bind(unary.Operand);
        var type = TypeCoercion.ArithmeticType(value.Type, value.Type)
            ?? throw Error(unary, $"cannot negate {Quote(unary.Operand)} of type {value.Type}");
        value = Casts.Apply(value, type);
        Delegate negated = type.Kind switch
        {
            DataTypeKind.Int => Arithmetic.Negate(value.As<int?>()),
            DataTypeKind.Long => Arithmetic.Negate(value.As<long?>()),
            _ => Arithmetic.Negate(value.As<double?>()),
        };
        return BoundExpression.Of(type, negated, value);
    }

    private BoundExpression BindBinary(BinaryExpr binary)
    {
        switch (binary.Operator)
        {
            case BinaryOperator.And or BinaryOperator.Or:
                var left = BindBoolean(binary.Left, $"the left operand of {ExprPrinter.Symbol(binary.Operator)}");
                var right = BindBoolean(binary.Right, $"the right operand of {ExprPrinter.Symbol(binary.Operator)}");
                var logic = binary.Operator == BinaryOperator.And
                    ? Logic.And(left.As<bool?>(), right.As<bool?>())
                    : Logic.Or(left.As<bool?>(), right.As<bool?>());
                return BoundExpression.Of(DataType.Boolean, logic, left, right);
            case BinaryOperator.Concat:
                return StringFunctions.Concat(this, [binary.Left, binary.Right], [Bind(binary.Left), Bind(binary.Right)]);
            case BinaryOperator.Add or BinaryOperator.Subtract when TryBindIntervalArithmetic(binary) is { } shifted:
                return shifted;
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Remainder:
                return BindArithmetic(binary);
            default:
                return BindComparison(binary, Bind(binary.Left), Bind(binary.Right));
        }
    }

    private BoundExpression BindArithmetic(BinaryExpr binary)
    {
        var left = Bind(binary.Left);
        var right = Bind(binary.Right);
        if (left.Type.Kind == DataTypeKind.Timestamp && right.Type.Kind == DataTypeKind.Timestamp && binary.Operator == BinaryOperator.Subtract)
        {
            throw Error(binary, $"subtracting timestamps ({Quote(binary)}) is not supported", "use unix_millis(a) - unix_millis(b)");
        }
        var type = TypeCoercion.ArithmeticType(left.Type, right.Type)
            ?? throw Error(binary, $"cannot apply '{ExprPrinter.Symbol(binary.Operator)}' to {left.Type} and {right.Type} ({Quote(binary)})");
        if (binary.Operator == BinaryOperator.Divide)
        {
            type = DataType.Double;
        }
        left = Casts.Apply(left, type);
        right = Casts.Apply(right, type);
        Delegate evaluator = type.Kind switch
        {
            DataTypeKind.Int => Arithmetic.Integral(binary.Operator, left.As<int?>(), right.As<int?>()),
            DataTypeKind.Long => Arithmetic.Integral(binary.Operator, left.As<long?>(), right.As<long?>()),
            _ => Arithmetic.Floating(binary.Operator, left.As<double?>(), right.As<double?>()),
        };
        return BoundExpression.Of(type, evaluator, left, right);
    }

    /// <summary>timestamp + interval, interval + timestamp, timestamp - interval; null when neither side is an interval.</summary>
    private BoundExpression? TryBindIntervalArithmetic(BinaryExpr binary)
    {
        var rightInterval = TryGetInterval(binary.Right);
        var leftInterval = TryGetInterval(binary.Left);
        if (rightInterval is null && leftInterval is null)
        {
            return null;
        }
        if (rightInterval is not null && leftInterval is not null)
        {
            throw Error(binary, $"the interval {Quote(binary)} can only be added to or subtracted from a timestamp");
        }
        if (leftInterval is not null && binary.Operator == BinaryOperator.Subtract)
        {
            throw Error(binary, $"cannot subtract {Quote(binary.Right)} from an interval ({Quote(binary)})");
        }
        var timeExpr = rightInterval is null ? binary.Right : binary.Left;
        var time = Bind(timeExpr);
        if (time.Type.Kind is not (DataTypeKind.Timestamp or DataTypeKind.String or DataTypeKind.Null))
        {
            throw Error(binary, $"an interval can only be added to or subtracted from a timestamp, but {Quote(timeExpr)} is of type {time.Type}");
        }
        time = Casts.Apply(time, DataType.Timestamp);
        var shift = (rightInterval ?? leftInterval)!.Value;
        if (binary.Operator == BinaryOperator.Subtract)
        {
            shift = -shift;
        }
        return BoundExpression.Of(DataType.Timestamp, Lift.VV(time.As<DateTime?>(), t => Timestamps.Add(t, shift)), time);
    }

    /// <summary>The value of an interval-valued expression: a literal, or literals combined with + - and unary minus.</summary>
    private static TimeSpan? TryGetInterval(Expr expr) => expr switch
    {
        IntervalLiteral i => i.Value,
        UnaryExpr { Operator: UnaryOperator.Negate } u when TryGetInterval(u.Operand) is { } inner => -inner,
        BinaryExpr { Operator: BinaryOperator.Add } b when TryGetInterval(b.Left) is { } l && TryGetInterval(b.Right) is { } r => l + r,
        BinaryExpr { Operator: BinaryOperator.Subtract } b when TryGetInterval(b.Left) is { } l && TryGetInterval(b.Right) is { } r => l - r,
        _ => null,
    };

    /// <summary>Comparisons after Spark's coercion: numbers widen; a string meeting another type is cast to it.</summary>
    public BoundExpression BindComparison(BinaryExpr at, BoundExpression left, BoundExpression right)
    {
        var op = at.Operator;
        var type = TypeCoercion.ComparisonType(left.Type, right.Type)
            ?? throw Error(at, $"cannot compare {left.Type} with {right.Type} ({Quote(at)})");
        left = Casts.Apply(left, type);
        right = Casts.Apply(right, type);
        Func<object?[], bool?>? evaluator = (type.Kind, op) switch
        {
            (DataTypeKind.Binary or DataTypeKind.Array, _) => null,
            (_, BinaryOperator.NullSafeEqual) => GenericOperators.NullSafeEqual(type, left.Evaluator, right.Evaluator),
            (DataTypeKind.Null, _) => static _ => null,
            (DataTypeKind.Int, _) => Comparisons.Ordered(op, left.As<int?>(), right.As<int?>()),
            (DataTypeKind.Long, _) => Comparisons.Ordered(op, left.As<long?>(), right.As<long?>()),
            (DataTypeKind.Boolean, _) => Comparisons.Ordered(op, left.As<bool?>(), right.As<bool?>()),
            (DataTypeKind.Timestamp, _) => Comparisons.Ordered(op, left.As<DateTime?>(), right.As<DateTime?>()),
            (DataTypeKind.Double, _) => Comparisons.Doubles(op, left.As<double?>(), right.As<double?>()),
            (DataTypeKind.String, _) => Comparisons.Strings(op, left.As<string?>(), right.As<string?>()),
            (DataTypeKind.Struct, BinaryOperator.Equal) => GenericOperators.Equal(type, left.Evaluator, right.Evaluator),
            (DataTypeKind.Struct, BinaryOperator.NotEqual) => Logic.Not(GenericOperators.Equal(type, left.Evaluator, right.Evaluator)),
            _ => null,
        };
        return evaluator is null
            ? throw Error(at, $"cannot apply '{ExprPrinter.Symbol(op)}' to values of type {type} ({Quote(at)})")
            : BoundExpression.Of(DataType.Boolean, evaluator, left, right);
    }
}
