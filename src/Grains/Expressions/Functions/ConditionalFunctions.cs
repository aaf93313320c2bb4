using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Functions;

/// <summary>coalesce, ifnull/nvl, nullif and if; the result type is the common type of the branches.</summary>
internal static class ConditionalFunctions
{
    public static IEnumerable<FunctionDefinition> Definitions()
    {
        yield return new("coalesce", 1, int.MaxValue, Coalesce);
        yield return new("ifnull", 2, 2, Coalesce);
        yield return new("nvl", 2, 2, Coalesce);
        yield return new("nullif", 2, 2, NullIf);
        yield return new("if", 3, 3, If);
    }

    private static BoundExpression Coalesce(FunctionArguments a)
    {
        var values = CommonType(a, first: 0);
        return a.Result(values[0].Type, GenericOperators.Coalesce(values[0].Type, Array.ConvertAll(values, static v => v.Evaluator)));
    }

    /// <summary>nullif(a, b): null when a = b, else a (Spark rewrites it to <c>if(a = b, null, a)</c>).</summary>
    private static BoundExpression NullIf(FunctionArguments a)
    {
        var call = a.Call;
        var comparison = new BinaryExpr(BinaryOperator.Equal, call.Arguments[0], call.Arguments[1]) { Start = call.Start, End = call.End };
        var equal = a.Binder.BindComparison(comparison, a[0], a[1]);
        return a.Result(a[0].Type, GenericOperators.NullIf(a[0].Type, a[0].Evaluator, equal.As<bool?>()));
    }

    private static BoundExpression If(FunctionArguments a)
    {
        var condition = a.As(0, DataType.Boolean);
        var values = CommonType(a, first: 1);
        var type = values[0].Type;
        return a.Result(type, GenericOperators.Case(type, [condition.As<bool?>()], [values[0].Evaluator], values[1].Evaluator));
    }

    private static BoundExpression[] CommonType(FunctionArguments a, int first)
    {
        var type = DataType.Null;
        for (var i = first; i < a.Count; i++)
        {
            type = TypeCoercion.CommonType(type, a[i].Type) ?? throw a.TypeError(i, $"a type compatible with {type}");
        }
        var values = new BoundExpression[a.Count - first];
        for (var i = first; i < a.Count; i++)
        {
            values[i - first] = Casts.Apply(a[i], type);
        }
        return values;
    }
}
