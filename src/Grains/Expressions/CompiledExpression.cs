using Sluice.Data;
using Sluice.Expressions.Binding;

namespace Sluice.Expressions;

/// <summary>
/// A type-checked expression compiled to delegates once, at query start. Evaluating a row never fails for reasons
/// in the data: division by zero, overflow of a timestamp, or a string that does not cast give NULL, as in Spark
/// with ANSI mode off.
/// </summary>
internal sealed class CompiledExpression
{
    private readonly Func<object?[], object?> _evaluate;
    private readonly Func<object?[], bool?>? _predicate;

    internal CompiledExpression(Expr syntax, BoundExpression bound)
    {
        Syntax = syntax;
        Type = bound.Type;
        IsConstant = bound.IsConstant;
        _evaluate = bound.Boxed();
        _predicate = bound.Type.Kind == DataTypeKind.Boolean ? bound.As<bool?>() : null;
    }

    /// <summary>The SQL type of the result (<see cref="DataType.Null"/> for a bare NULL).</summary>
    public DataType Type { get; }

    public Expr Syntax { get; }

    /// <summary>True when the result does not depend on the row.</summary>
    public bool IsConstant { get; }

    /// <summary>The value for one row laid out by the input schema: string, int, long, double, bool, DateTime, ...; null is SQL NULL.</summary>
    public object? Evaluate(object?[] row) => _evaluate(row);

    /// <summary>For a boolean expression: true only when the value is TRUE (a filter drops FALSE and NULL). Does not box.</summary>
    public bool IsTrue(object?[] row) =>
        _predicate is null ? throw new InvalidOperationException($"'{Syntax}' is of type {Type}, not boolean") : _predicate(row) == true;

    public override string ToString() => Syntax.ToString();
}
