using System.Collections;
using System.Linq.Expressions;

namespace Sluice.Client.Typed;

/// <summary>
/// Method calls in typed queries: <see cref="Functions"/>, aggregates of <see cref="IAggregates{T}"/>, and the string,
/// <see cref="Math"/> and <see cref="DateTime"/> methods that have a Spark function.
/// </summary>
internal static class SqlCalls
{
    public static Sql Translate(SqlTranslator t, MethodCallExpression call)
    {
        var method = call.Method;
        var type = method.DeclaringType!;
        if (type == typeof(Functions))
        {
            return FunctionCall(t, call);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAggregates<>))
        {
            return Aggregate(t, call);
        }
        if (type == typeof(string))
        {
            return StringCall(t, call);
        }
        if (type == typeof(Math))
        {
            return MathCall(t, call);
        }
        if ((type == typeof(DateTime) || type == typeof(DateTimeOffset)) && method.Name.StartsWith("Add", StringComparison.Ordinal) && call.Object is not null)
        {
            return AddTime(t, call);
        }
        if (method.Name == "Contains" && In(t, call) is { } inList)
        {
            return inList;
        }
        if (method.Name == "Equals" && call.Object is not null && call.Arguments.Count == 1)
        {
            return new Sql($"{t.Visit(call.Object).In(Sql.Comparison, true)} = {t.Visit(call.Arguments[0]).In(Sql.Comparison, true)}", Sql.Comparison);
        }
        throw SqlTranslator.Unsupported(call, $"the method {type.Name}.{method.Name} has no Spark SQL translation");
    }

    private static Sql FunctionCall(SqlTranslator t, MethodCallExpression call)
    {
        var args = call.Arguments;
        return call.Method.Name switch
        {
            nameof(Functions.Window) when args.Count == 2 => Sql.Atom($"window({t.Visit(args[0])}, {Duration(args[1])})"),
            nameof(Functions.Window) => Sql.Atom($"window({t.Visit(args[0])}, {Duration(args[1])}, {Duration(args[2])})"),
            nameof(Functions.SessionWindow) => Sql.Atom($"session_window({t.Visit(args[0])}, {Duration(args[1])})"),
            nameof(Functions.Expr) => new Sql(Constant<string>(args[0], "Functions.Expr's SQL"), Sql.Lowest),
            nameof(Functions.Col) => Sql.Atom(SqlTranslator.Column(Constant<string>(args[0], "Functions.Col's name"))),
            nameof(Functions.Like) => new Sql($"{t.Visit(args[0]).In(Sql.Comparison, true)} LIKE {t.Visit(args[1]).In(Sql.Comparison, true)}", Sql.Comparison),
            _ => throw SqlTranslator.Unsupported(call, $"Functions.{call.Method.Name} has no translation"),
        };
    }

    private static Sql Aggregate(SqlTranslator t, MethodCallExpression call)
    {
        var name = call.Method.Name switch
        {
            nameof(IAggregates<object>.Count) when call.Arguments.Count == 0 => null,
            nameof(IAggregates<object>.ApproxCountDistinct) => "approx_count_distinct",
            var other => other.ToLowerInvariant(),
        };
        if (name is null)
        {
            return Sql.Atom("count(*)");
        }
        var selector = (LambdaExpression)StripQuote(call.Arguments[0]);
        return Sql.Atom($"{name}({new SqlTranslator(selector.Parameters).Visit(selector.Body)})");
    }

    private static Sql StringCall(SqlTranslator t, MethodCallExpression call)
    {
        var args = call.Arguments;
        string Self() => t.Visit(call.Object!).Text;
        return call.Method.Name switch
        {
            "ToLower" or "ToLowerInvariant" when args.Count == 0 => Sql.Atom($"lower({Self()})"),
            "ToUpper" or "ToUpperInvariant" when args.Count == 0 => Sql.Atom($"upper({Self()})"),
            "Trim" when args.Count == 0 => Sql.Atom($"trim({Self()})"),
            "TrimStart" when args.Count == 0 => Sql.Atom($"ltrim({Self()})"),
            "TrimEnd" when args.Count == 0 => Sql.Atom($"rtrim({Self()})"),
            // Spark's substring counts from 1, C#'s from 0.
            "Substring" when args.Count == 1 => Sql.Atom($"substring({Self()}, {FromOne(t, args[0])})"),
            "Substring" when args.Count == 2 => Sql.Atom($"substring({Self()}, {FromOne(t, args[0])}, {t.Visit(args[1])})"),
            "Replace" when args.Count == 2 && args[0].Type == typeof(string) => Sql.Atom($"replace({Self()}, {t.Visit(args[0])}, {t.Visit(args[1])})"),
            "Contains" when args.Count == 1 && args[0].Type == typeof(string) => Like(t, call, "%", "%"),
            "StartsWith" when args.Count == 1 && args[0].Type == typeof(string) => Like(t, call, "", "%"),
            "EndsWith" when args.Count == 1 && args[0].Type == typeof(string) => Like(t, call, "%", ""),
            "IsNullOrEmpty" => new Sql($"{t.Visit(args[0]).In(Sql.Comparison, true)} IS NULL OR {t.Visit(args[0]).In(Sql.Comparison, true)} = ''", Sql.Or),
            "Concat" when args.All(a => a.Type == typeof(string)) => Sql.Atom($"concat({string.Join(", ", args.Select(a => t.Visit(a).Text))})"),
            "Equals" when call.Object is not null && args.Count == 1 => new Sql($"{t.Visit(call.Object).In(Sql.Comparison, true)} = {t.Visit(args[0]).In(Sql.Comparison, true)}", Sql.Comparison),
            _ => throw SqlTranslator.Unsupported(call, $"the method String.{call.Method.Name} with these arguments has no Spark SQL translation"),
        };
    }

    /// <summary><c>s.Contains("x")</c> as <c>s LIKE '%x%'</c>: the pattern must be a constant, its wildcards escaped.</summary>
    private static Sql Like(SqlTranslator t, MethodCallExpression call, string before, string after)
    {
        var text = Constant<string>(call.Arguments[0], $"the argument of String.{call.Method.Name}");
        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        var pattern = "'" + (before + escaped + after).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        return new Sql($"{t.Visit(call.Object!).In(Sql.Comparison, true)} LIKE {pattern}", Sql.Comparison);
    }

    private static Sql MathCall(SqlTranslator t, MethodCallExpression call)
    {
        var args = call.Arguments.Where(a => a.Type != typeof(MidpointRounding)).Select(a => t.Visit(a).Text).ToList();
        var function = call.Method.Name switch
        {
            "Abs" => "abs",
            "Floor" => "floor",
            "Ceiling" => "ceil",
            "Sqrt" => "sqrt",
            "Pow" => "pow",
            "Max" => "greatest",
            "Min" => "least",
            // Spark rounds half away from zero; C#'s default is to even: only the explicit AwayFromZero form is the same.
            "Round" when call.Arguments[^1].Type == typeof(MidpointRounding) && Constant<MidpointRounding>(call.Arguments[^1], "the rounding") == MidpointRounding.AwayFromZero
                => "round",
            "Round" => throw SqlTranslator.Unsupported(call, "Spark's round() rounds half away from zero; write Math.Round(x, MidpointRounding.AwayFromZero) or Math.Round(x, digits, MidpointRounding.AwayFromZero)"),
            _ => throw SqlTranslator.Unsupported(call, $"the method Math.{call.Method.Name} has no Spark SQL translation"),
        };
        return Sql.Atom($"{function}({string.Join(", ", args)})");
    }

    /// <summary><c>t.AddMinutes(5)</c> as <c>t + INTERVAL 5 minutes</c>, for a constant amount.</summary>
    private static Sql AddTime(SqlTranslator t, MethodCallExpression call)
    {
        var amount = call.Arguments.Count == 1 && call.Arguments[0].Type != typeof(TimeSpan) && !SqlTranslator.NeedsTranslation(call.Arguments[0])
            ? Convert.ToDouble(Expression.Lambda<Func<object>>(Expression.Convert(call.Arguments[0], typeof(object))).Compile(preferInterpretation: true)(), System.Globalization.CultureInfo.InvariantCulture)
            : (double?)null;
        TimeSpan? span = call.Method.Name switch
        {
            "Add" when call.Arguments.Count == 1 && call.Arguments[0].Type == typeof(TimeSpan) => Constant<TimeSpan>(call.Arguments[0], "the TimeSpan added"),
            "AddMilliseconds" when amount is { } a => TimeSpan.FromMilliseconds(a),
            "AddSeconds" when amount is { } a => TimeSpan.FromSeconds(a),
            "AddMinutes" when amount is { } a => TimeSpan.FromMinutes(a),
            "AddHours" when amount is { } a => TimeSpan.FromHours(a),
            "AddDays" when amount is { } a => TimeSpan.FromDays(a),
            _ => null,
        };
        return span is { } s
            ? new Sql($"{t.Visit(call.Object!).In(Sql.Additive)} + {SqlLiterals.Interval(s)}", Sql.Additive)
            : throw SqlTranslator.Unsupported(call, $"{call.Method.Name} needs a constant amount (months and years vary in length)");
    }

    /// <summary><c>list.Contains(e.X)</c> or <c>Enumerable.Contains(list, e.X)</c> over a captured collection: <c>x IN (...)</c>.</summary>
    private static Sql? In(SqlTranslator t, MethodCallExpression call)
    {
        var (source, item) = call.Object is null && call.Arguments.Count == 2 ? (call.Arguments[0], call.Arguments[1])
            : call.Object is not null && call.Arguments.Count == 1 ? (call.Object, call.Arguments[0]) : (null, null);
        // C# 14 binds array.Contains(x) to MemoryExtensions.Contains(span, x): the array is inside the span conversion.
        if (source is MethodCallExpression { Method.Name: "op_Implicit", Arguments.Count: 1 } span)
        {
            source = span.Arguments[0];
        }
        if (source is null || item is null || SqlTranslator.NeedsTranslation(source) || !typeof(IEnumerable).IsAssignableFrom(source.Type) || source.Type == typeof(string))
        {
            return null;
        }
        var values = Expression.Lambda<Func<IEnumerable>>(Expression.Convert(source, typeof(IEnumerable))).Compile(preferInterpretation: true)().Cast<object?>().ToList();
        if (values.Count == 0)
        {
            return Sql.Atom("FALSE");
        }
        return new Sql($"{t.Visit(item).In(Sql.Comparison, true)} IN ({string.Join(", ", values.Select(SqlLiterals.Format))})", Sql.Comparison);
    }

    private static string FromOne(SqlTranslator t, Expression index) =>
        SqlTranslator.NeedsTranslation(index) ? $"{t.Visit(index).In(Sql.Additive)} + 1" : (Constant<int>(index, "the index") + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Duration(Expression e) => SqlLiterals.Duration(Constant<TimeSpan>(e, "a window duration"));

    private static T Constant<T>(Expression e, string what) =>
        SqlTranslator.NeedsTranslation(e)
            ? throw SqlTranslator.Unsupported(e, $"{what} must not depend on the row")
            : (T)Expression.Lambda<Func<object?>>(Expression.Convert(e, typeof(object))).Compile(preferInterpretation: true)()!;

    private static Expression StripQuote(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Quote } q ? q.Operand : e;
}
