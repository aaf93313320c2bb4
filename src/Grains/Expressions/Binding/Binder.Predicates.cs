using Sluice.Data;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Binding;

internal sealed partial class Binder
{
    private BoundExpression BindIn(InExpr @in)
    {
        var value = Bind(@in.Value);
        var items = @in.List.Select(Bind).ToArray();
        var type = value.Type;
        for (var i = 0; i < items.Length; i++)
        {
            type = TypeCoercion.ComparisonType(type, items[i].Type)
                ?? throw Error(@in.List[i], $"cannot compare {type} with {items[i].Type} ({Quote(@in.List[i])})");
        }
        if (type.Kind is DataTypeKind.Binary or DataTypeKind.Array)
        {
            throw Error(@in, $"IN is not supported for values of type {type} ({Quote(@in)})");
        }
        value = Casts.Apply(value, type);
        items = Array.ConvertAll(items, item => Casts.Apply(item, type));
        var constants = items.All(static item => item.IsConstant) ? Array.ConvertAll(items, static item => item.ConstantValue) : null;
        var evaluator = GenericOperators.In(type, value.Evaluator, Array.ConvertAll(items, static item => item.Evaluator), constants);
        var result = BoundExpression.Of(DataType.Boolean, evaluator, [value, .. items]);
        return @in.Negated ? BoundExpression.Of(DataType.Boolean, Logic.Not(result.As<bool?>()), result) : result;
    }

    /// <summary><c>v BETWEEN a AND b</c> is <c>v &gt;= a AND v &lt;= b</c>, as Spark rewrites it.</summary>
    private BoundExpression BindBetween(BetweenExpr between)
    {
        var low = new BinaryExpr(BinaryOperator.GreaterOrEqual, between.Value, between.Low) { Start = between.Start, End = between.End };
        var high = new BinaryExpr(BinaryOperator.LessOrEqual, between.Value, between.High) { Start = between.Start, End = between.End };
        Expr rewritten = new BinaryExpr(BinaryOperator.And, low, high) { Start = between.Start, End = between.End };
        if (between.Negated)
        {
            rewritten = new UnaryExpr(UnaryOperator.Not, rewritten) { Start = between.Start, End = between.End };
        }
        return Bind(rewritten);
    }

    private BoundExpression BindLike(LikeExpr like)
    {
        var value = ImplicitCast(Bind(like.Value), DataType.String, like.Value, "the left operand of LIKE");
        var pattern = ImplicitCast(Bind(like.Pattern), DataType.String, like.Pattern, "the pattern of LIKE");
        var text = value.As<string?>();
        Func<object?[], bool?> matches;
        if (pattern.IsConstant)
        {
            if (pattern.ConstantValue is not string constant)
            {
                return BoundExpression.Constant(DataType.Boolean, null);
            }
            if (!LikePattern.TryCreate(constant, like.Escape, out var compiled, out var problem))
            {
                throw Error(like.Pattern, problem!);
            }
            matches = Lift.RV(text, s => (bool?)compiled!.IsMatch(s));
        }
        else
        {
            matches = DynamicLike(text, pattern.As<string?>(), like.Escape);
        }
        var result = BoundExpression.Of(DataType.Boolean, matches, value, pattern);
        return like.Negated ? BoundExpression.Of(DataType.Boolean, Logic.Not(result.As<bool?>()), result) : result;
    }

    /// <summary>A pattern computed per row; the last one is cached. An invalid pattern gives null rather than failing the batch.</summary>
    private static Func<object?[], bool?> DynamicLike(Func<object?[], string?> text, Func<object?[], string?> pattern, char escape)
    {
        var cache = new CachedPattern("", null);
        return row =>
        {
            if (text(row) is not { } s || pattern(row) is not { } p)
            {
                return null;
            }
            var cached = cache;
            if (!string.Equals(cached.Text, p, StringComparison.Ordinal) || cached.Pattern is null)
            {
                LikePattern.TryCreate(p, escape, out var compiled, out _);
                cache = cached = new CachedPattern(p, compiled);
            }
            return cached.Pattern?.IsMatch(s);
        };
    }

    private sealed record CachedPattern(string Text, LikePattern? Pattern);

    private BoundExpression BindCase(CaseExpr @case)
    {
        var conditions = new BoundExpression[@case.Branches.Count];
        var results = new BoundExpression[@case.Branches.Count];
        var operand = @case.Operand is null ? null : Bind(@case.Operand);
        for (var i = 0; i < conditions.Length; i++)
        {
            var branch = @case.Branches[i];
            conditions[i] = operand is null
                ? BindBoolean(branch.Condition, "a WHEN condition")
                : BindComparison(new BinaryExpr(BinaryOperator.Equal, @case.Operand!, branch.Condition) { Start = branch.Condition.Start, End = branch.Condition.End },
                    operand, Bind(branch.Condition));
            results[i] = Bind(branch.Result);
        }
        var otherwise = @case.Else is null ? null : Bind(@case.Else);
        var type = DataType.Null;
        for (var i = 0; i < results.Length; i++)
        {
            type = Widen(type, results[i], @case.Branches[i].Result);
        }
        if (otherwise is not null)
        {
            type = Widen(type, otherwise, @case.Else!);
        }
        results = Array.ConvertAll(results, result => Casts.Apply(result, type));
        otherwise = otherwise is null ? BoundExpression.Constant(type, null) : Casts.Apply(otherwise, type);
        var evaluator = GenericOperators.Case(
            type,
            Array.ConvertAll(conditions, static c => c.As<bool?>()),
            Array.ConvertAll(results, static r => r.Evaluator),
            otherwise.Evaluator);
        return BoundExpression.Of(type, evaluator, [.. conditions, .. results, otherwise]);

        DataType Widen(DataType current, BoundExpression result, Expr syntax) =>
            TypeCoercion.CommonType(current, result.Type)
            ?? throw Error(syntax, $"the branches of CASE have incompatible types {current} and {result.Type} ({Quote(@case)})");
    }
}
