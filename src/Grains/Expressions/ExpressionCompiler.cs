using Sluice.Data;
using Sluice.Expressions.Binding;
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

    /// <summary>Compiles a syntax tree, e.g. part of one a groupBy took apart. <paramref name="text"/> is quoted in errors.</summary>
    public static CompiledExpression Compile(Expr syntax, StreamSchema input, string? text = null)
    {
        var binder = new Binder(input, text ?? syntax.ToString());
        return new CompiledExpression(syntax, binder.Bind(syntax));
    }

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
        var compiled = Compile(text, input);
        return compiled.Type.Kind is DataTypeKind.Boolean
            ? compiled
            : compiled.Type.Kind is DataTypeKind.Null
                ? Compile($"CAST({text} AS boolean)", input)
                : throw new ExpressionException($"filter condition '{text}' is of type {compiled.Type}, not boolean", text, 0);
    }

    /// <summary>True when the expression contains an aggregate call anywhere (so it belongs in a groupBy).</summary>
    public static bool ContainsAggregate(Expr expr) => ExprTree.Any(expr, static e => e is AggregateCall);

    /// <summary>The output column name Spark gives <paramref name="expr"/> (the alias, when it has one).</summary>
    public static string AutoName(Expr expr, StreamSchema input) => ExprPrinter.AutoName(expr, input);
}
