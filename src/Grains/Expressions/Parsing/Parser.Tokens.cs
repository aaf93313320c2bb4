namespace Sluice.Expressions.Parsing;

internal sealed partial class Parser
{
    private static bool IsKeyword(Token token, string keyword) =>
        token.Kind == TokenKind.Identifier && token.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private bool AcceptKeyword(string keyword)
    {
        if (!IsKeyword(Current, keyword))
        {
            return false;
        }
        Advance();
        return true;
    }

    private void ExpectKeyword(string keyword)
    {
        if (!AcceptKeyword(keyword))
        {
            throw Expected(keyword);
        }
    }

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }
        Advance();
        return true;
    }

    private Token Expect(TokenKind kind, string description) =>
        Current.Kind == kind ? Advance() : throw Expected(description);

    /// <summary>An identifier, quoted or not; keywords are accepted (a field may be called <c>end</c>).</summary>
    private Token ExpectName(string description) =>
        Current.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier ? Advance() : throw Expected(description);

    private ExpressionException Expected(string what)
    {
        var token = Current;
        var found = token.Kind == TokenKind.End ? "end of input" : $"'{_text[token.Start..token.End]}'";
        var expected = what.StartsWith('\'') || what.Contains(' ', StringComparison.Ordinal) ? what : $"'{what}'";
        return Error($"expected {expected} at position {token.Start} in '{_text}' (found {found})", token.Start);
    }

    private ExpressionException Unexpected()
    {
        var token = Current;
        return Error($"unexpected '{_text[token.Start..token.End]}' at position {token.Start} in '{_text}'", token.Start);
    }

    private ExpressionException Error(string message, int position) => new(message, _text, position);
}
