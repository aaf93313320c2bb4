using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;
using Sluice.Operators.Aggregation;

namespace Sluice.Expressions.Functions;

/// <summary>
/// The array functions that make <c>collect_list</c>/<c>collect_set</c> results usable in a select:
/// <c>size</c> (-1 for NULL, Spark's default <c>spark.sql.legacy.sizeOfNull</c>), <c>array_contains</c> and
/// <c>sort_array</c> (NULLs first ascending, last descending, as Spark), and <c>element_at</c> for <c>split</c>'s arrays.
/// </summary>
internal static class ArrayFunctions
{
    public static IEnumerable<FunctionDefinition> Definitions()
    {
        yield return new("size", 1, 1, Size);
        yield return new("cardinality", 1, 1, Size);
        yield return new("array_contains", 2, 2, ArrayContains);
        yield return new("sort_array", 1, 2, SortArray);
        yield return new("element_at", 2, 2, ElementAt);
    }

    /// <summary>
    /// Spark's <c>element_at(array, index)</c> with ANSI off: 1-based, negative counts from the end, NULL past either
    /// end or when an argument is NULL; index 0 is an error (Spark's INVALID_INDEX_OF_ZERO), at the start when it is a constant.
    /// </summary>
    private static BoundExpression ElementAt(FunctionArguments a)
    {
        var array = Array(a, 0);
        var index = a.As(1, DataType.Int);
        if (index.IsConstant && index.ConstantValue is 0)
        {
            throw IndexOfZero(a);
        }
        var position = index.As<int?>();
        var element = a[0].Type.Element ?? DataType.Null;
        return a.Result(element, GenericOperators.Unboxed(element, row =>
        {
            if (array(row) is not { } items || position(row) is not int i)
            {
                return null;
            }
            var at = i > 0 ? i - 1L : i < 0 ? items.Length + (long)i : throw IndexOfZero(a);
            return at >= 0 && at < items.Length ? items[at] : null;
        }));
    }

    private static ExpressionException IndexOfZero(FunctionArguments a) =>
        a.Error("the index 0 of element_at() is invalid: SQL array indices start at 1", "use 1 for the first element, -1 for the last");

    private static BoundExpression Size(FunctionArguments a)
    {
        var array = Array(a, 0);
        return a.Result(DataType.Int, (Func<object?[], int?>)(row => array(row) is { } items ? items.Length : -1));
    }

    private static BoundExpression ArrayContains(FunctionArguments a)
    {
        var array = Array(a, 0);
        var element = a[0].Type.Element ?? DataType.Null;
        var value = Casts.Apply(a[1], element.Kind == DataTypeKind.Null ? a[1].Type : element).Boxed();
        return a.Result(DataType.Boolean, (Func<object?[], bool?>)(row =>
        {
            if (array(row) is not { } items || value(row) is not { } wanted)
            {
                return null;
            }
            var sawNull = false;
            foreach (var item in items)
            {
                if (item is null)
                {
                    sawNull = true;
                }
                else if (ValueOrdering.Compare(item, wanted) == 0)
                {
                    return true;
                }
            }
            return sawNull ? null : false;
        }));
    }

    private static BoundExpression SortArray(FunctionArguments a)
    {
        var array = Array(a, 0);
        var ascending = a.Count < 2 || a.Constant<bool>(1, DataType.Boolean, "the sort order");
        return a.Result(a[0].Type, Lift.RR(array, items =>
        {
            var sorted = (object?[])items.Clone();
            System.Array.Sort(sorted, (x, y) => (x, y) switch
            {
                (null, null) => 0,
                (null, _) => ascending ? -1 : 1,
                (_, null) => ascending ? 1 : -1,
                var (l, r) => ascending ? ValueOrdering.Compare(l, r) : ValueOrdering.Compare(r, l),
            });
            return sorted;
        }));
    }

    private static Func<object?[], object?[]?> Array(FunctionArguments a, int index) =>
        a[index].Type.Kind == DataTypeKind.Array ? a[index].As<object?[]?>()
        : a[index].Type.Kind == DataTypeKind.Null ? static _ => null
        : throw a.TypeError(index, "an array type");
}
