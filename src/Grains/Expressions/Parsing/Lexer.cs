using System.Globalization;
using System.Text;

namespace Sluice.Expressions.Parsing;

/// <summary>
/// Splits an expression into tokens. Strings take single or double quotes, a doubled quote stands for itself and
/// backslash escapes follow Spark (<c>\n</c>, <c>\t</c>, <c>\uXXXX</c>; <c>\%</c> and <c>\_</c> stay escaped for LIKE).
/// </summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", text.Length, text.Length));
                return tokens;
            }
            var token = Next(text, i);
            tokens.Add(token);
            i = token.End;
        }
    }

    private static Token Next(string text, int start)
    {
        var c = text[start];
        var next = start + 1 < text.Length ? text[start + 1] : '\0';
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(next)))
        {
            return Number(text, start);
        }
        if (char.IsLetter(c) || c == '_')
        {
            var end = start;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }
            return new Token(TokenKind.Identifier, text[start..end], start, end);
        }
        return c switch
        {
            '\'' or '"' => Quoted(text, start, TokenKind.String),
            '`' => Quoted(text, start, TokenKind.QuotedIdentifier),
            '(' => Symbol(TokenKind.LeftParen, text, start, 1),
            ')' => Symbol(TokenKind.RightParen, text, start, 1),
            ',' => Symbol(TokenKind.Comma, text, start, 1),
            '.' => Symbol(TokenKind.Dot, text, start, 1),
            '+' => Symbol(TokenKind.Plus, text, start, 1),
            '-' => Symbol(TokenKind.Minus, text, start, 1),
            '*' => Symbol(TokenKind.Star, text, start, 1),
            '/' => Symbol(TokenKind.Slash, text, start, 1),
            '%' => Symbol(TokenKind.Percent, text, start, 1),
            '|' when next == '|' => Symbol(TokenKind.Concat, text, start, 2),
            '=' when next == '=' => Symbol(TokenKind.Equal, text, start, 2),
            '=' => Symbol(TokenKind.Equal, text, start, 1),
            '!' when next == '=' => Symbol(TokenKind.NotEqual, text, start, 2),
            '<' when next == '=' && start + 2 < text.Length && text[start + 2] == '>' => Symbol(TokenKind.NullSafeEqual, text, start, 3),
            '<' when next == '=' => Symbol(TokenKind.LessOrEqual, text, start, 2),
            '<' when next == '>' => Symbol(TokenKind.NotEqual, text, start, 2),
            '<' => Symbol(TokenKind.Less, text, start, 1),
            '>' when next == '=' => Symbol(TokenKind.GreaterOrEqual, text, start, 2),
            '>' => Symbol(TokenKind.Greater, text, start, 1),
            _ => throw new ExpressionException($"unexpected character '{c}' at position {start} in '{text}'", text, start),
        };
    }

    private static Token Symbol(TokenKind kind, string text, int start, int length) =>
        new(kind, text.Substring(start, length), start, start + length);

    private static Token Number(string text, int start)
    {
        var i = start;
        var isDecimal = false;
        SkipDigits(text, ref i);
        if (i < text.Length && text[i] == '.')
        {
            isDecimal = true;
            i++;
            SkipDigits(text, ref i);
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-')
            {
                j++;
            }
            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                isDecimal = true;
                i = j;
                SkipDigits(text, ref i);
            }
        }
        if (i < text.Length && text[i] is 'L' or 'l' && !isDecimal)
        {
            i++;
        }
        else if (i < text.Length && text[i] is 'D' or 'd' or 'F' or 'f')
        {
            isDecimal = true;
            i++;
        }
        if (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
        {
            throw new ExpressionException($"invalid number '{text[start..(i + 1)]}' at position {start} in '{text}'", text, start);
        }
        return new Token(isDecimal ? TokenKind.Decimal : TokenKind.Integer, text[start..i], start, i);
    }

    private static void SkipDigits(string text, ref int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
    }

    private static Token Quoted(string text, int start, TokenKind kind)
    {
        var quote = text[start];
        var value = new StringBuilder();
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }
                return new Token(kind, value.ToString(), start, i + 1);
            }
            if (c == '\\' && kind == TokenKind.String && i + 1 < text.Length)
            {
                i = Escape(text, i + 1, value);
                continue;
            }
            value.Append(c);
            i++;
        }
        var what = kind == TokenKind.String ? "string literal" : "quoted identifier";
        throw new ExpressionException($"unterminated {what} starting at position {start} in '{text}'", text, start);
    }

    /// <summary>Appends the escape sequence whose letter is at <paramref name="i"/>; returns the index after it.</summary>
    private static int Escape(string text, int i, StringBuilder value)
    {
        var c = text[i];
        switch (c)
        {
            case '0': value.Append('\0'); break;
            case 'b': value.Append('\b'); break;
            case 'n': value.Append('\n'); break;
            case 'r': value.Append('\r'); break;
            case 't': value.Append('\t'); break;
            case 'Z': value.Append('\u001A'); break;
            case '%' or '_': value.Append('\\').Append(c); break;
            case 'u' when i + 4 < text.Length
                && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                value.Append((char)code);
                return i + 5;
            default: value.Append(c); break;
        }
        return i + 1;
    }
}
