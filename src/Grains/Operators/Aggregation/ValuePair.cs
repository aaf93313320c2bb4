namespace Sluice.Operators.Aggregation;

/// <summary>The input of a two-argument aggregate such as <c>max_by(x, y)</c>: both arguments evaluated on one row.</summary>
internal sealed record ValuePair(object? Value, object? Ordering);
