using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Binding;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// Compiles an expression to a <see cref="Kernel"/> over columns laid out by an input schema. Each node is bound again
/// with the row compiler (so its type, its implicit casts and any constant folding are the row path's own): a constant
/// becomes a <see cref="ConstantKernel"/>, a node with a kernel gets it (casts inserted as <see cref="TypeCoercion"/>
/// inserts them), and any other node a <see cref="RowKernel"/> running the row evaluator on just that subtree. A kernel
/// whose type differs from the row compiler's is never used. Compiling happens once per plan, on first use.
/// </summary>
internal static class KernelCompiler
{
    private static readonly object?[] NoRow = [];

    /// <summary>The kernel of an expression the planner compiled: the same values as <paramref name="expression"/> for every row.</summary>
    public static Kernel Compile(CompiledExpression expression, StreamSchema schema)
    {
        if (expression.IsConstant)
        {
            return new ConstantKernel(expression.Type, expression.Evaluate(NoRow));
        }
        var kernel = Native(expression.Syntax, schema);
        return kernel is not null && kernel.Type.Equals(expression.Type) ? kernel : new RowKernel(expression, schema);
    }

    /// <summary>A subtree's kernel; null when the subtree does not bind on its own (an interval, say), so its parent runs on rows.</summary>
    private static Kernel? Node(Expr expr, StreamSchema schema)
    {
        CompiledExpression compiled;
        try
        {
            compiled = ExpressionCompiler.Compile(expr, schema);
        }
        catch (ExpressionException)
        {
            return null;
        }
        return Compile(compiled, schema);
    }

    private static Kernel? Native(Expr expr, StreamSchema schema) => expr switch
    {
        ColumnRef c when schema.IndexOf(c.Name) is var i and >= 0 => new ColumnKernel(schema[i].Type, i),
        UnaryExpr { Operator: UnaryOperator.Not } u => Node(u.Operand, schema) is { Type.Kind: DataTypeKind.Boolean } operand ? new NotKernel(operand) : null,
        UnaryExpr u => Negate(u, schema),
        BinaryExpr b when IntervalShiftKernel.Match(b) is var (time, shift) =>
            Node(time, schema) is { } t && CastKernel.Create(t, DataType.Timestamp) is { Type.Kind: DataTypeKind.Timestamp } cast ? new IntervalShiftKernel(cast, shift) : null,
        BinaryExpr b => Binary(b, schema),
        BetweenExpr b => Native(Between(b), schema),
        IsNullExpr n => Node(n.Operand, schema) is { } operand ? new IsNullKernel(operand, n.Negated) : null,
        CastExpr c => Node(c.Operand, schema) is { } operand ? CastKernel.Create(operand, c.TargetType) : null,
        FunctionCall f => StringFunctionKernels.Create(f, schema, Node),
        _ => null,
    };

    private static Kernel? Negate(UnaryExpr unary, StreamSchema schema)
    {
        if (Node(unary.Operand, schema) is not { } operand || TypeCoercion.ArithmeticType(operand.Type, operand.Type) is not { } type)
        {
            return null;
        }
        return CastKernel.Create(operand, type) is { } cast ? new NegateKernel(cast) : null;
    }

    private static Kernel? Binary(BinaryExpr binary, StreamSchema schema)
    {
        if (Node(binary.Left, schema) is not { } left || Node(binary.Right, schema) is not { } right)
        {
            return null;
        }
        switch (binary.Operator)
        {
            case BinaryOperator.And or BinaryOperator.Or:
                return left.Type.Kind == DataTypeKind.Boolean && right.Type.Kind == DataTypeKind.Boolean
                    ? new LogicKernel(binary.Operator == BinaryOperator.And, left, right)
                    : null;
            case BinaryOperator.Concat:
                return StringFunctionKernels.Concat([left, right]);
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Remainder:
                var type = TypeCoercion.ArithmeticType(left.Type, right.Type);
                if (binary.Operator == BinaryOperator.Divide && type is not null)
                {
                    type = DataType.Double;
                }
                return type is not null && ArithmeticKernel.Supports(type, binary.Operator) && Cast(left, right, type) is var (l, r) && l is not null && r is not null
                    ? new ArithmeticKernel(binary.Operator, l, r)
                    : null;
            default:
                var common = TypeCoercion.ComparisonType(left.Type, right.Type);
                return common is not null && ComparisonKernel.Supports(common) && Cast(left, right, common) is var (cl, cr) && cl is not null && cr is not null
                    ? new ComparisonKernel(binary.Operator, cl, cr)
                    : null;
        }
    }

    private static (Kernel?, Kernel?) Cast(Kernel left, Kernel right, DataType type) => (CastKernel.Create(left, type), CastKernel.Create(right, type));

    /// <summary>As the binder: <c>v BETWEEN a AND b</c> is <c>v &gt;= a AND v &lt;= b</c>.</summary>
    private static Expr Between(BetweenExpr between)
    {
        var low = new BinaryExpr(BinaryOperator.GreaterOrEqual, between.Value, between.Low);
        var high = new BinaryExpr(BinaryOperator.LessOrEqual, between.Value, between.High);
        Expr rewritten = new BinaryExpr(BinaryOperator.And, low, high);
        return between.Negated ? new UnaryExpr(UnaryOperator.Not, rewritten) : rewritten;
    }
}
