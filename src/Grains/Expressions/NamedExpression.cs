namespace Sluice.Expressions;

/// <summary>A select column: its output name (the alias, or Spark's automatic name) and its compiled expression.</summary>
internal sealed record NamedExpression(string Name, CompiledExpression Expression);
