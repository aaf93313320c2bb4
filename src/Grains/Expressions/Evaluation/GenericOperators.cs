using Sluice.Data;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Operators that work the same for every type (IS NULL, &lt;=&gt;, IN, CASE, coalesce, nullif, greatest), built
/// once per type through <see cref="Representation"/> so values stay unboxed.
/// </summary>
internal static class GenericOperators
{
    public static Func<object?[], bool?> IsNull(DataType type, Delegate operand, bool negated) =>
        (Func<object?[], bool?>)Representation.Dispatch(type, new IsNullBuilder(operand, negated));

    /// <summary><c>a &lt;=&gt; b</c>: true when both are null or both equal, never null.</summary>
    public static Func<object?[], bool?> NullSafeEqual(DataType type, Delegate left, Delegate right) =>
        (Func<object?[], bool?>)Representation.Dispatch(type, new EqualityBuilder(left, right, nullSafe: true));

    /// <summary><c>a = b</c> for types without an order (structs).</summary>
    public static Func<object?[], bool?> Equal(DataType type, Delegate left, Delegate right) =>
        (Func<object?[], bool?>)Representation.Dispatch(type, new EqualityBuilder(left, right, nullSafe: false));

    /// <summary>
    /// <c>value IN (items)</c>: true on a match; otherwise null when the value or any item is null, else false.
    /// With <paramref name="constants"/> (all items constant) a hash set replaces the scan.
    /// </summary>
    public static Func<object?[], bool?> In(DataType type, Delegate value, Delegate[] items, object?[]? constants) =>
        (Func<object?[], bool?>)Representation.Dispatch(type, new InBuilder(value, items, constants));

    /// <summary>The result of the first condition that is true, else <paramref name="otherwise"/>.</summary>
    public static Delegate Case(DataType type, Func<object?[], bool?>[] conditions, Delegate[] results, Delegate otherwise) =>
        Representation.Dispatch(type, new CaseBuilder(conditions, results, otherwise));

    public static Delegate Coalesce(DataType type, Delegate[] items) => Representation.Dispatch(type, new CoalesceBuilder(items));

    /// <summary>Null when <paramref name="equal"/> is true, else <paramref name="value"/>.</summary>
    public static Delegate NullIf(DataType type, Delegate value, Func<object?[], bool?> equal) =>
        Representation.Dispatch(type, new NullIfBuilder(value, equal));

    /// <summary>greatest (<paramref name="sign"/> 1) or least (-1) of the non-null items; null when all are null.</summary>
    public static Delegate Extreme(DataType type, Delegate[] items, int sign) => Representation.Dispatch(type, new ExtremeBuilder(items, sign));

    /// <summary>Field <paramref name="index"/> of a struct value; null when the struct is null.</summary>
    public static Delegate Field(DataType fieldType, Func<object?[], StructValue?> target, int index) =>
        Representation.Dispatch(fieldType, new FieldBuilder(target, index));

    /// <summary>A boxed evaluator (an array's element, say) in <paramref name="type"/>'s representation.</summary>
    public static Delegate Unboxed(DataType type, Func<object?[], object?> boxed) => Representation.Dispatch(type, new UnboxBuilder(boxed));

    private static Func<object?[], T>[] Typed<T>(Delegate[] items) => Array.ConvertAll(items, static d => (Func<object?[], T>)d);

    private readonly struct FieldBuilder(Func<object?[], StructValue?> target, int index) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var structValue = target;
            var i = index;
            return new Func<object?[], T>(row => structValue(row) is { } s ? (T)s.Values[i]! : default!);
        }
    }

    private readonly struct UnboxBuilder(Func<object?[], object?> boxed) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var value = boxed;
            return new Func<object?[], T>(row => value(row) is { } v ? (T)v : default!);
        }
    }

    private readonly struct IsNullBuilder(Delegate operand, bool negated) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var f = (Func<object?[], T>)operand;
            return negated
                ? new Func<object?[], bool?>(row => f(row) is not null)
                : new Func<object?[], bool?>(row => f(row) is null);
        }
    }

    private readonly struct EqualityBuilder(Delegate left, Delegate right, bool nullSafe) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var l = (Func<object?[], T>)left;
            var r = (Func<object?[], T>)right;
            var comparer = EqualityComparer<T>.Default;
            return nullSafe
                ? new Func<object?[], bool?>(row => l(row) is var a && r(row) is var b && (a is null ? b is null : b is not null && comparer.Equals(a, b)))
                : new Func<object?[], bool?>(row => l(row) is { } a && r(row) is { } b ? comparer.Equals(a, b) : null);
        }
    }

    private readonly struct InBuilder(Delegate value, Delegate[] items, object?[]? constants) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var v = (Func<object?[], T>)value;
            if (constants is not null)
            {
                var set = new HashSet<T>();
                var hasNull = false;
                foreach (var constant in constants)
                {
                    hasNull |= constant is null;
                    if (constant is not null)
                    {
                        set.Add((T)constant);
                    }
                }
                return new Func<object?[], bool?>(row => v(row) is { } x ? (set.Contains(x) ? true : hasNull ? null : false) : null);
            }
            var list = Typed<T>(items);
            var comparer = EqualityComparer<T>.Default;
            return new Func<object?[], bool?>(row =>
            {
                if (v(row) is not { } x)
                {
                    return null;
                }
                var sawNull = false;
                foreach (var item in list)
                {
                    var y = item(row);
                    if (y is null)
                    {
                        sawNull = true;
                    }
                    else if (comparer.Equals(x, y))
                    {
                        return true;
                    }
                }
                return sawNull ? null : false;
            });
        }
    }

    private readonly struct CaseBuilder(Func<object?[], bool?>[] conditions, Delegate[] results, Delegate otherwise) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var when = conditions;
            var then = Typed<T>(results);
            var orElse = (Func<object?[], T>)otherwise;
            return new Func<object?[], T>(row =>
            {
                for (var i = 0; i < when.Length; i++)
                {
                    if (when[i](row) == true)
                    {
                        return then[i](row);
                    }
                }
                return orElse(row);
            });
        }
    }

    private readonly struct CoalesceBuilder(Delegate[] items) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var list = Typed<T>(items);
            return new Func<object?[], T>(row =>
            {
                foreach (var item in list)
                {
                    if (item(row) is { } value)
                    {
                        return value;
                    }
                }
                return default!;
            });
        }
    }

    private readonly struct NullIfBuilder(Delegate value, Func<object?[], bool?> equal) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var v = (Func<object?[], T>)value;
            var eq = equal;
            return new Func<object?[], T>(row => eq(row) == true ? default! : v(row));
        }
    }

    private readonly struct ExtremeBuilder(Delegate[] items, int sign) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var list = Typed<T>(items);
            var comparer = OrderOf<T>();
            var direction = sign;
            return new Func<object?[], T>(row =>
            {
                var best = default(T);
                var found = false;
                foreach (var item in list)
                {
                    var value = item(row);
                    if (value is not null && (!found || comparer.Compare(value, best) * direction > 0))
                    {
                        best = value;
                        found = true;
                    }
                }
                return best!;
            });
        }

        private static IComparer<T> OrderOf<T>() => typeof(T) == typeof(double?)
            ? (IComparer<T>)(object)Comparer<double?>.Create(static (a, b) => Comparisons.CompareDoubles(a!.Value, b!.Value))
            : typeof(T) == typeof(string) ? (IComparer<T>)(object)StringComparer.Ordinal : Comparer<T>.Default;
    }
}
