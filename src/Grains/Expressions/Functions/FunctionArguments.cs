using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Functions;

/// <summary>The bound arguments of one call, with Spark's implicit casts and the call's error messages.</summary>
internal sealed class FunctionArguments(Binder binder, FunctionCall call, BoundExpression[] values)
{
    public FunctionCall Call => call;

    public Binder Binder => binder;

    public int Count => values.Length;

    public BoundExpression this[int index] => values[index];

    /// <summary>Argument <paramref name="index"/> cast to <paramref name="type"/> as Spark would implicitly, or a type error.</summary>
    public BoundExpression As(int index, DataType type) =>
        binder.ImplicitCast(values[index], type, call.Arguments[index], $"argument {index + 1} of {call.Name}()");

    /// <summary>Arguments from <paramref name="first"/> on, each cast to <paramref name="type"/>.</summary>
    public BoundExpression[] AllAs(DataType type, int first = 0)
    {
        var result = new BoundExpression[values.Length - first];
        for (var i = first; i < values.Length; i++)
        {
            result[i - first] = As(i, type);
        }
        return result;
    }

    /// <summary>A numeric argument keeps its type (int, bigint, double); a string or NULL becomes a double.</summary>
    public BoundExpression Numeric(int index)
    {
        var value = values[index];
        return value.Type.IsNumeric ? value
            : value.Type.Kind is DataTypeKind.String or DataTypeKind.Null ? Casts.Apply(value, DataType.Double)
            : throw TypeError(index, "a numeric type");
    }

    /// <summary>The value of an argument that must be a constant (a format, a unit, a scale).</summary>
    public T Constant<T>(int index, DataType type, string what)
    {
        var value = As(index, type);
        if (!value.IsConstant)
        {
            throw Error($"{what} ({binder.Quote(call.Arguments[index])}) of {call.Name}() must be a constant");
        }
        return value.ConstantValue is T typed ? typed : throw Error($"{what} of {call.Name}() must not be NULL");
    }

    public BoundExpression Result(DataType type, Delegate evaluator) => BoundExpression.Of(type, evaluator, values);

    public ExpressionException Error(string problem, string? hint = null) => binder.Error(call, problem, hint);

    public ExpressionException TypeError(int index, string expected) =>
        Error($"argument {index + 1} of {call.Name}() must be of {expected}, but {binder.Quote(call.Arguments[index])} is of type {values[index].Type}");

    /// <summary>Casts every argument to the one type they share (numbers widen), for greatest/least.</summary>
    public BoundExpression[] SameType()
    {
        var type = DataType.Null;
        for (var i = 0; i < values.Length; i++)
        {
            type = values[i].Type.Kind == DataTypeKind.Null ? type
                : type.Kind == DataTypeKind.Null || type.Equals(values[i].Type) ? values[i].Type
                : TypeCoercion.WiderNumeric(type, values[i].Type) ?? throw TypeError(i, $"type {type} like the other arguments");
        }
        return Array.ConvertAll(values, value => Casts.Apply(value, type));
    }
}
