namespace Sluice.Expressions;

/// <summary>
/// An expression that does not parse or does not type-check against its input schema. The message names the
/// problem and quotes the whole expression: <c>unknown column 'foo' in 'foo + 1'; available columns: id, name</c>,
/// <c>expected ')' at position 10 in 'a + (b * c' (found end of input)</c>. Positions are 0-based character
/// offsets, as in Spark's parser errors.
/// </summary>
internal sealed class ExpressionException : Exception
{
    public ExpressionException(string message, string? expression = null, int? position = null)
        : base(message)
    {
        Expression = expression;
        Position = position;
    }

    /// <summary>The expression text the error is about, when known.</summary>
    public string? Expression { get; }

    /// <summary>The 0-based character offset of the problem in <see cref="Expression"/>, when known.</summary>
    public int? Position { get; }
}
