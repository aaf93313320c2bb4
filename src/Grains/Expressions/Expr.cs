using Sluice.Data;

namespace Sluice.Expressions;

// The syntax tree is one closed family of small records, kept in one file so the whole grammar reads at a glance.

/// <summary>
/// A parsed Spark SQL expression. <see cref="Start"/> and <see cref="End"/> are the 0-based character range of the
/// node in the text it was parsed from (both 0 for nodes built in code). <see cref="ToString"/> is Spark's SQL text.
/// </summary>
internal abstract record Expr
{
    public int Start { get; init; }

    public int End { get; init; }

    public sealed override string ToString() => ExprPrinter.Print(this, schema: null);
}

/// <summary>A constant: string, int, long, double, bool, <see cref="DateTime"/> or null, typed as Spark types it.</summary>
internal sealed record Literal(object? Value, DataType Type) : Expr;

/// <summary><c>INTERVAL 5 SECONDS</c>: a fixed duration, usable only in timestamp +/- interval.</summary>
internal sealed record IntervalLiteral(TimeSpan Value) : Expr;

internal sealed record ColumnRef(string Name) : Expr;

/// <summary><c>window.start</c>: a field of a struct value.</summary>
internal sealed record FieldAccess(Expr Target, string Field) : Expr;

internal sealed record UnaryExpr(UnaryOperator Operator, Expr Operand) : Expr;

internal sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

internal sealed record IsNullExpr(Expr Operand, bool Negated) : Expr;

internal sealed record InExpr(Expr Value, IReadOnlyList<Expr> List, bool Negated) : Expr;

internal sealed record BetweenExpr(Expr Value, Expr Low, Expr High, bool Negated) : Expr;

/// <summary><c>value LIKE pattern [ESCAPE 'c']</c>: <c>%</c> matches any run of characters, <c>_</c> exactly one.</summary>
internal sealed record LikeExpr(Expr Value, Expr Pattern, char Escape, bool Negated) : Expr;

/// <summary><c>CASE [operand] WHEN .. THEN .. [ELSE ..] END</c>; with an operand each WHEN is compared to it.</summary>
internal sealed record CaseExpr(Expr? Operand, IReadOnlyList<WhenClause> Branches, Expr? Else) : Expr;

internal sealed record WhenClause(Expr Condition, Expr Result);

internal sealed record CastExpr(Expr Operand, DataType TargetType) : Expr;

/// <summary>A scalar function call; <see cref="Name"/> is lower case.</summary>
internal sealed record FunctionCall(string Name, IReadOnlyList<Expr> Arguments) : Expr;

/// <summary>
/// An aggregate (<c>count</c>, <c>sum</c>, <c>avg</c>, <c>min</c>, <c>max</c>, <c>first</c>, <c>last</c>,
/// <c>approx_count_distinct</c>, <c>collect_list</c>, <c>stddev</c>, <c>max_by</c>, ...; <c>mean</c> is kept as written
/// and means avg); <see cref="Argument"/> is null for <c>count(*)</c>. <see cref="Second"/> is the second argument of
/// <c>first(x, ignoreNulls)</c>, <c>approx_count_distinct(x, relativeSD)</c> or <c>max_by(x, ordering)</c>.
/// Only a groupBy evaluates these.
/// </summary>
internal sealed record AggregateCall(string Name, Expr? Argument, bool Distinct, Expr? Second = null) : Expr;

/// <summary>
/// <c>window(timeColumn, size[, slide[, startTime]])</c>: tumbling when <see cref="Slide"/> equals <see cref="Size"/>.
/// Window starts are <c>StartOffset + k * Slide</c> since the epoch.
/// </summary>
internal sealed record WindowExpr(Expr TimeColumn, TimeSpan Size, TimeSpan Slide, TimeSpan StartOffset) : Expr
{
    public bool IsTumbling => Slide == Size;
}

/// <summary>
/// <c>session_window(timeColumn, gap)</c>: only a groupBy evaluates it. The gap is a constant (<see cref="Gap"/>), or an
/// expression evaluated per row (<see cref="GapExpression"/>, a duration string such as <c>'10 seconds'</c>).
/// </summary>
internal sealed record SessionWindowExpr(Expr TimeColumn, TimeSpan Gap, Expr? GapExpression = null) : Expr;

/// <summary><c>expr AS name</c>, allowed only at the top of a select column or groupBy key/aggregate.</summary>
internal sealed record AliasExpr(Expr Inner, string Name) : Expr;

internal enum UnaryOperator
{
    Negate,
    Not,
}

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Concat,
    Equal,
    NullSafeEqual,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
}
