namespace Sluice.Client.Typed;

/// <summary>A translated expression and how tightly it binds, so the printer adds only the parentheses Spark needs.</summary>
internal readonly record struct Sql(string Text, int Precedence)
{
    public const int Lowest = 0, Or = 1, And = 2, Not = 3, Comparison = 4, Additive = 5, Multiplicative = 6, Unary = 7, Primary = 9;

    public static Sql Atom(string text) => new(text, Primary);

    /// <summary>The text, parenthesized when it binds looser than <paramref name="precedence"/> (or as loosely, with <paramref name="orEqual"/>).</summary>
    public string In(int precedence, bool orEqual = false) =>
        Precedence < precedence || (orEqual && Precedence == precedence) ? $"({Text})" : Text;

    public override string ToString() => Text;
}
