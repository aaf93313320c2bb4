namespace Sluice.Expressions.Parsing;

/// <summary>
/// A lexical token. <see cref="Text"/> is the identifier (unquoted), the string value (unescaped), the number as
/// written, or the operator symbol; <see cref="Start"/>/<see cref="End"/> are its 0-based character range.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End);
