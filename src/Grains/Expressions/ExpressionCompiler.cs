using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;
using Sluice.Expressions.Parsing;

namespace Sluice.Expressions;

/// <summary>
/// Entry point for Spark SQL expression strings: parse to a syntax tree, then bind against an input schema and
/// compile. All errors are <see cref="ExpressionException"/>s thrown here, before any row is evaluated.
/// </summary>
internal static class ExpressionCompiler
{
    /// <summary>Syntax only: any expression including aggregates, window(), session_window() and a top-level <c>AS alias</c>.</summary>
    public static Expr Parse(string text) => Parser.Parse(text);

    /// <summary>A scalar expression; aggregates, session windows, sliding windows and aliases are rejected.</summary>
    public static CompiledExpression Compile(string text, StreamSchema input) => Compile(Parse(text), input, text);

    /// <summary>
    /// Compiles a syntax tree, e.g. a part of one a groupBy took apart. <paramref name="text"/> is the text the tree
    /// was parsed from, quoted in errors; without it errors quote the tree's SQL.
    /// </summary>
    public static CompiledExpression Compile(Expr syntax, StreamSchema input, string? text = null) =>
        new(syntax, Bind(syntax, input, text));

    /// <summary>
    /// A select column, <c>expr [AS alias]</c>. Its name is the alias or Spark's automatic name: a column keeps its
    /// name, a struct field its field name (<c>window.start</c> is <c>start</c>), anything else Spark's SQL text
    /// (<c>upper(name)</c>, <c>(amount * 2)</c>).
    /// </summary>
    public static NamedExpression CompileNamed(string text, StreamSchema input)
    {
        var syntax = Parse(text);
        var inner = syntax is AliasExpr alias ? alias.Inner : syntax;
        return new NamedExpression(AutoName(syntax, input), Compile(inner, input, text));
    }

    /// <summary>A filter condition: must be boolean (or NULL).</summary>
    public static CompiledExpression CompilePredicate(string text, StreamSchema input)
    {
        var syntax = Parse(text);
        var bound = Bind(syntax, input, text);
        return bound.Type.Kind switch
        {
            DataTypeKind.Boolean => new CompiledExpression(syntax, bound),
            DataTypeKind.Null => new CompiledExpression(syntax, Casts.Apply(bound, DataType.Boolean)),
            _ => throw new ExpressionException($"filter condition '{text}' is of type {bound.Type}, not boolean", text, 0),
        };
    }

    /// <summary>True when the expression contains an aggregate call anywhere (so it belongs in a groupBy).</summary>
    public static bool ContainsAggregate(Expr expr) => ExprTree.Any(expr, static e => e is AggregateCall);

    private static BoundExpression Bind(Expr syntax, StreamSchema input, string? text) =>
        new Binder(input, text, text ?? syntax.ToString()).Bind(syntax);

    /// <summary>The output column name Spark gives <paramref name="expr"/> (the alias, when it has one).</summary>
    public static string AutoName(Expr expr, StreamSchema input) => ExprPrinter.AutoName(expr, input);
}
