using System.Text;
using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Functions;

/// <summary>
/// String functions. As in Spark, lengths and positions count characters (code points), trim removes spaces
/// only, and any simple type passed where a string is expected is cast to a string.
/// </summary>
internal static class StringFunctions
{
    public static IEnumerable<FunctionDefinition> Definitions()
    {
        foreach (var name in new[] { "lower", "lcase" })
        {
            yield return new(name, 1, 1, a => Map(a, static s => s.ToLowerInvariant()));
        }
        foreach (var name in new[] { "upper", "ucase" })
        {
            yield return new(name, 1, 1, a => Map(a, static s => s.ToUpperInvariant()));
        }
        foreach (var name in new[] { "length", "char_length", "character_length" })
        {
            yield return new(name, 1, 1, a => a.Result(DataType.Int, Lift.RV(a.As(0, DataType.String).As<string?>(), static s => (int?)CodePointLength(s))));
        }
        yield return new("trim", 1, 1, a => Map(a, static s => s.Trim(' ')));
        yield return new("ltrim", 1, 1, a => Map(a, static s => s.TrimStart(' ')));
        yield return new("rtrim", 1, 1, a => Map(a, static s => s.TrimEnd(' ')));
        yield return new("substring", 2, 3, Substring);
        yield return new("substr", 2, 3, Substring);
        yield return new("concat", 0, int.MaxValue, a => a.Result(DataType.String, ConcatEvaluator(a.AllAs(DataType.String))));
        yield return new("concat_ws", 1, int.MaxValue, ConcatWs);
        yield return new("replace", 2, 3, Replace);
        yield return new("split_part", 3, 3, SplitPart);
    }

    /// <summary>
    /// Spark's <c>split_part(str, delimiter, partNum)</c>: <paramref name="a"/>'s string split at every occurrence of
    /// the delimiter (a plain string, not a pattern; an empty one does not split), part <c>partNum</c> counted from 1,
    /// negative from the end; <c>''</c> past either end; NULL when an argument is NULL; part 0 is an error.
    /// </summary>
    private static BoundExpression SplitPart(FunctionArguments a)
    {
        var text = a.As(0, DataType.String).As<string?>();
        var delimiter = a.As(1, DataType.String).As<string?>();
        var part = a.As(2, DataType.Int);
        if (part.IsConstant && part.ConstantValue is 0)
        {
            throw PartZero(a);
        }
        var number = part.As<int?>();
        return a.Result(DataType.String, new Func<object?[], string?>(row =>
        {
            if (text(row) is not { } s || delimiter(row) is not { } d || number(row) is not int n)
            {
                return null;
            }
            var parts = d.Length == 0 ? [s] : s.Split(d, StringSplitOptions.None);
            var at = n > 0 ? n - 1L : n < 0 ? parts.Length + (long)n : throw PartZero(a);
            return at >= 0 && at < parts.Length ? parts[at] : "";
        }));
    }

    private static ExpressionException PartZero(FunctionArguments a) =>
        a.Error("the part number 0 of split_part() is invalid: parts are counted from 1", "use 1 for the first part, -1 for the last");

    /// <summary><c>a || b</c>: concat of the operands as strings.</summary>
    public static BoundExpression Concat(Binder binder, IReadOnlyList<Expr> syntax, BoundExpression[] values)
    {
        var parts = new BoundExpression[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            parts[i] = binder.ImplicitCast(values[i], DataType.String, syntax[i], "an operand of ||");
        }
        return BoundExpression.Of(DataType.String, ConcatEvaluator(parts), parts);
    }

    private static BoundExpression Map(FunctionArguments a, Func<string, string> map) =>
        a.Result(DataType.String, Lift.RR(a.As(0, DataType.String).As<string?>(), map));

    /// <summary>concat: null when any argument is null.</summary>
    private static Func<object?[], string?> ConcatEvaluator(BoundExpression[] parts)
    {
        var f = Array.ConvertAll(parts, static p => p.As<string?>());
        return f.Length switch
        {
            0 => static _ => "",
            1 => f[0],
            2 => row => f[0](row) is { } a && f[1](row) is { } b ? string.Concat(a, b) : null,
            3 => row => f[0](row) is { } a && f[1](row) is { } b && f[2](row) is { } c ? string.Concat(a, b, c) : null,
            _ => row =>
            {
                var builder = new StringBuilder();
                foreach (var part in f)
                {
                    if (part(row) is not { } s)
                    {
                        return null;
                    }
                    builder.Append(s);
                }
                return builder.ToString();
            },
        };
    }

    /// <summary>concat_ws(sep, ...): null arguments are skipped; a null separator gives null.</summary>
    private static BoundExpression ConcatWs(FunctionArguments a)
    {
        var separator = a.As(0, DataType.String).As<string?>();
        var parts = Array.ConvertAll(a.AllAs(DataType.String, first: 1), static p => p.As<string?>());
        return a.Result(DataType.String, new Func<object?[], string?>(row =>
        {
            if (separator(row) is not { } sep)
            {
                return null;
            }
            var builder = new StringBuilder();
            var first = true;
            foreach (var part in parts)
            {
                if (part(row) is { } s)
                {
                    builder.Append(first ? "" : sep).Append(s);
                    first = false;
                }
            }
            return builder.ToString();
        }));
    }

    private static BoundExpression Substring(FunctionArguments a)
    {
        var text = a.As(0, DataType.String).As<string?>();
        var position = a.As(1, DataType.Int).As<int?>();
        var length = a.Count > 2 ? a.As(2, DataType.Int).As<int?>() : static _ => int.MaxValue;
        return a.Result(DataType.String, new Func<object?[], string?>(row =>
            text(row) is { } s && position(row) is int pos && length(row) is int len ? SubstringSql(s, pos, len) : null));
    }

    private static BoundExpression Replace(FunctionArguments a)
    {
        var text = a.As(0, DataType.String).As<string?>();
        var search = a.As(1, DataType.String).As<string?>();
        var replacement = a.Count > 2 ? a.As(2, DataType.String).As<string?>() : static _ => "";
        return a.Result(DataType.String, new Func<object?[], string?>(row =>
            text(row) is { } s && search(row) is { } find && replacement(row) is { } with
                ? (find.Length == 0 ? s : s.Replace(find, with, StringComparison.Ordinal))
                : null));
    }

    /// <summary>
    /// Spark's <c>substringSQL</c>: 1-based; 0 means 1; a negative position counts from the end; the range is
    /// clipped to the string.
    /// </summary>
    public static string SubstringSql(string s, int pos, int length)
    {
        var count = CodePointLength(s);
        long start = pos > 0 ? pos - 1L : pos < 0 ? count + (long)pos : 0;
        var end = Math.Min(start + length, count);
        start = Math.Max(start, 0);
        return start >= end ? "" : CodePointSlice(s, (int)start, (int)end);
    }

    public static int CodePointLength(string s)
    {
        var count = s.Length;
        foreach (var c in s)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }
        return count;
    }

    private static string CodePointSlice(string s, int start, int end)
    {
        if (CodePointLength(s) == s.Length)
        {
            return s[start..end];
        }
        int i = 0, index = 0, from = s.Length;
        for (; i < s.Length && index < end; i += char.IsSurrogatePair(s, i) ? 2 : 1, index++)
        {
            if (index == start)
            {
                from = i;
            }
        }
        return s[from..i];
    }
}
