namespace Sluice.Expressions.Parsing;

internal enum TokenKind
{
    End,
    /// <summary>A bare word: a column or function name, or a keyword (keywords are recognised by the parser).</summary>
    Identifier,
    /// <summary>A `backquoted` name: always a column or field, never a keyword.</summary>
    QuotedIdentifier,
    /// <summary>Digits, optionally suffixed with L (bigint).</summary>
    Integer,
    /// <summary>A number with a fraction, an exponent or a D/F suffix: a double.</summary>
    Decimal,
    String,
    LeftParen,
    RightParen,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Concat,
    Equal,
    NullSafeEqual,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
