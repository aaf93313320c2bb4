using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Binding;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>One equality between a left and a right expression; <c>&lt;=&gt;</c> (null-safe) lets NULL match NULL.</summary>
internal sealed record JoinKey(CompiledExpression Left, CompiledExpression Right, bool NullSafe);

/// <summary>
/// A join condition taken apart as Spark's planner does (<c>ExtractEquiJoinKeys</c>, then
/// <c>JoinConditionSplitPredicates</c>): equalities between a left and a right expression are the join keys; the other
/// conjuncts are split into those that read only the left side, only the right side, or both. A row failing its
/// side's conjuncts can never match, so a stream-stream join neither stores it nor looks it up. Comparisons between
/// the sides' time columns give <see cref="Bounds"/> on how long state must be kept.
/// </summary>
internal sealed class JoinCondition
{
    private JoinCondition(List<JoinKey> keys, List<Expr> keySyntax, StreamSchema joined)
    {
        Keys = keys;
        KeySyntax = keySyntax;
        Joined = joined;
    }

    public IReadOnlyList<JoinKey> Keys { get; }

    /// <summary>Per key, the left then the right expression as written (Spark finds a watermarked key column here).</summary>
    public IReadOnlyList<Expr> KeySyntax { get; }

    /// <summary>Non-key conjuncts over left columns only (null: none).</summary>
    public CompiledExpression? LeftFilter { get; private init; }

    /// <summary>Non-key conjuncts over right columns only (null: none).</summary>
    public CompiledExpression? RightFilter { get; private init; }

    /// <summary>Non-key conjuncts that read both sides, on the joined row (null: none).</summary>
    public CompiledExpression? Residual { get; private init; }

    /// <summary>Every non-key conjunct, on the joined row (for a stream-static join, which has no state to spare).</summary>
    public CompiledExpression? All { get; private init; }

    /// <summary>Left columns, then right columns.</summary>
    public StreamSchema Joined { get; }

    public IReadOnlyList<StateBound> Bounds { get; private init; } = [];

    public static JoinCondition Analyze(string text, StreamSchema left, StreamSchema right, bool streaming)
    {
        var ambiguous = left.Columns.Select(c => c.Name).Intersect(right.Columns.Select(c => c.Name), StringComparer.OrdinalIgnoreCase).ToList();
        if (ambiguous.Count > 0)
        {
            throw new ExpressionException($"column '{ambiguous[0]}' is on both sides of the join; rename it with a select in one of the inputs", text);
        }
        var joined = new StreamSchema([.. left.Columns, .. right.Columns]);
        var keys = new List<JoinKey>();
        var keySyntax = new List<Expr>();
        List<Expr> leftOnly = [], rightOnly = [], both = [], rest = [];
        var bounds = new List<StateBound>();
        foreach (var conjunct in Conjuncts(ExpressionCompiler.Parse(text)))
        {
            if (conjunct is BinaryExpr { Operator: BinaryOperator.Equal or BinaryOperator.NullSafeEqual } eq
                && Side(eq.Left, left, right) is var l && Side(eq.Right, left, right) is var r && l != r && l != 0 && r != 0)
            {
                var (leftSide, rightSide) = l < 0 ? (eq.Left, eq.Right) : (eq.Right, eq.Left);
                keys.Add(Key(leftSide, rightSide, left, right, eq.Operator == BinaryOperator.NullSafeEqual, text));
                keySyntax.Add(leftSide);
                keySyntax.Add(rightSide);
                continue;
            }
            rest.Add(conjunct);
            bounds.AddRange(TimeRange.Bounds(conjunct, c => left.IndexOf(c) >= 0 ? 0 : right.IndexOf(c) >= 0 ? 1 : -1));
            var references = TimeRange.Descendants(conjunct).OfType<ColumnRef>().ToList();
            var onLeft = references.All(c => left.IndexOf(c.Name) >= 0);
            var onRight = references.All(c => right.IndexOf(c.Name) >= 0);
            (onLeft ? leftOnly : onRight ? rightOnly : both).Add(conjunct);
            if (onLeft && onRight)
            {
                // No column at all: Spark checks it on both sides.
                rightOnly.Add(conjunct);
            }
        }
        if (keys.Count == 0)
        {
            throw new ExpressionException(streaming
                ? "Stream-stream join without equality predicate is not supported: the condition needs at least one equality between a left and a right column (an equi-join)"
                : "a join needs at least one equality between a left and a right column (an equi-join); Sluice does not join a stream with a table on other conditions alone", text);
        }
        return new JoinCondition(keys, keySyntax, joined)
        {
            LeftFilter = Predicate(leftOnly, left, text),
            RightFilter = Predicate(rightOnly, right, text),
            Residual = Predicate(both, joined, text),
            All = Predicate(rest, joined, text),
            Bounds = bounds,
        };
    }

    /// <summary>
    /// A key's two sides cast to the type they compare as (Spark's analyzer casts <c>int = bigint</c> to
    /// <c>cast(int AS bigint) = bigint</c> before <c>ExtractEquiJoinKeys</c> takes the keys apart), so equal values
    /// encode alike whatever type each side has.
    /// </summary>
    private static JoinKey Key(Expr leftSide, Expr rightSide, StreamSchema left, StreamSchema right, bool nullSafe, string text)
    {
        var leftKey = ExpressionCompiler.Compile(leftSide, left, text);
        var rightKey = ExpressionCompiler.Compile(rightSide, right, text);
        var type = TypeCoercion.ComparisonType(leftKey.Type, rightKey.Type)
            ?? throw new ExpressionException($"the join key {leftSide} ({leftKey.Type}) cannot be compared with {rightSide} ({rightKey.Type}); cast one side to the other's type", text);
        return new JoinKey(CastTo(leftKey, left, type, text), CastTo(rightKey, right, type, text), nullSafe);
    }

    private static CompiledExpression CastTo(CompiledExpression key, StreamSchema schema, DataType type, string text) =>
        key.Type.Equals(type) || type.Kind == DataTypeKind.Null ? key : ExpressionCompiler.Compile(new CastExpr(key.Syntax, type), schema, text);

    /// <summary>The encoded join key of a row of <paramref name="side"/> (0 left, 1 right), or null when a key that is not null-safe is NULL.</summary>
    public byte[]? KeyOf(int side, object?[] row) => KeyOf(side, row, new object?[Keys.Count]);

    /// <param name="values">Where the key's values are put before they are encoded: <see cref="Keys"/>' count long, reused by the caller.</param>
    public byte[]? KeyOf(int side, object?[] row, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var key = Keys[i];
            if ((values[i] = (side == 0 ? key.Left : key.Right).Evaluate(row)) is null && !key.NullSafe)
            {
                return null;
            }
        }
        return RowCodec.Encode(values);
    }

    private static CompiledExpression? Predicate(List<Expr> conjuncts, StreamSchema schema, string text)
    {
        if (conjuncts.Count == 0)
        {
            return null;
        }
        var predicate = ExpressionCompiler.Compile(conjuncts.Aggregate((a, b) => new BinaryExpr(BinaryOperator.And, a, b)), schema, text);
        return predicate.Type.Kind is DataTypeKind.Boolean or DataTypeKind.Null
            ? predicate
            : throw new ExpressionException($"a join condition must be boolean, not {predicate.Type}", text);
    }

    private static IEnumerable<Expr> Conjuncts(Expr e) =>
        e is BinaryExpr { Operator: BinaryOperator.And } and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [e];

    /// <summary>-1 when the expression reads only left columns, +1 only right ones, 0 otherwise.</summary>
    private static int Side(Expr e, StreamSchema left, StreamSchema right)
    {
        var columns = TimeRange.Descendants(e).OfType<ColumnRef>().Select(c => c.Name).ToList();
        if (columns.Count == 0)
        {
            return 0;
        }
        if (columns.All(c => left.IndexOf(c) >= 0))
        {
            return -1;
        }
        return columns.All(c => right.IndexOf(c) >= 0) ? 1 : 0;
    }
}
