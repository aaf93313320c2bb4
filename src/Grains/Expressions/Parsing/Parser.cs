namespace Sluice.Expressions.Parsing;

/// <summary>
/// A recursive-descent parser for Spark SQL expressions, with Spark's precedence, loosest first:
/// OR, AND, NOT, comparisons and predicates (IS, IN, BETWEEN, LIKE), + - ||, * / %, unary minus, field access.
/// </summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IS", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE", "END", "AS", "FROM", "DISTINCT",
    };

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _index;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
    }

    /// <summary>Parses one expression, optionally followed by <c>AS alias</c> (an <see cref="AliasExpr"/>).</summary>
    public static Expr Parse(string text)
    {
        var parser = new Parser(text);
        var expr = parser.ParseExpression();
        if (parser.AcceptKeyword("AS"))
        {
            var alias = parser.ExpectName("an alias after AS");
            expr = new AliasExpr(expr, alias.Text) { Start = expr.Start, End = alias.End };
        }
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Unexpected();
        }
        return expr;
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private int PreviousEnd => _index == 0 ? 0 : _tokens[_index - 1].End;

    private Token Advance()
    {
        var token = Current;
        if (token.Kind != TokenKind.End)
        {
            _index++;
        }
        return token;
    }

    private T Spanned<T>(T node, int start) where T : Expr => node with { Start = start, End = PreviousEnd };

    private Expr ParseExpression() => ParseOr();

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (AcceptKeyword("OR"))
        {
            left = Spanned(new BinaryExpr(BinaryOperator.Or, left, ParseAnd()), left.Start);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (AcceptKeyword("AND"))
        {
            left = Spanned(new BinaryExpr(BinaryOperator.And, left, ParseNot()), left.Start);
        }
        return left;
    }

    private Expr ParseNot()
    {
        var start = Current.Start;
        return AcceptKeyword("NOT") ? Spanned(new UnaryExpr(UnaryOperator.Not, ParseNot()), start) : ParseComparison();
    }

    private Expr ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            if (ComparisonOperator(Current.Kind) is { } op)
            {
                Advance();
                left = Spanned(new BinaryExpr(op, left, ParseAdditive()), left.Start);
                continue;
            }
            if (AcceptKeyword("IS"))
            {
                left = ParseIs(left);
                continue;
            }
            var negated = IsKeyword(Current, "NOT") && (IsKeyword(Peek(1), "IN") || IsKeyword(Peek(1), "BETWEEN") || IsKeyword(Peek(1), "LIKE"));
            if (negated)
            {
                Advance();
            }
            if (AcceptKeyword("IN"))
            {
                left = Spanned(new InExpr(left, ParseInList(), negated), left.Start);
            }
            else if (AcceptKeyword("BETWEEN"))
            {
                var low = ParseAdditive();
                ExpectKeyword("AND");
                left = Spanned(new BetweenExpr(left, low, ParseAdditive(), negated), left.Start);
            }
            else if (AcceptKeyword("LIKE"))
            {
                var pattern = ParseAdditive();
                var escape = AcceptKeyword("ESCAPE") ? ParseEscapeChar() : '\\';
                left = Spanned(new LikeExpr(left, pattern, escape, negated), left.Start);
            }
            else
            {
                return left;
            }
        }
    }

    private Expr ParseIs(Expr left)
    {
        var negated = AcceptKeyword("NOT");
        if (AcceptKeyword("NULL"))
        {
            return Spanned(new IsNullExpr(left, negated), left.Start);
        }
        if (AcceptKeyword("DISTINCT"))
        {
            ExpectKeyword("FROM");
            var same = Spanned(new BinaryExpr(BinaryOperator.NullSafeEqual, left, ParseAdditive()), left.Start);
            return negated ? same : Spanned(new UnaryExpr(UnaryOperator.Not, same), left.Start);
        }
        throw Expected("NULL or DISTINCT FROM after IS");
    }

    private List<Expr> ParseInList()
    {
        Expect(TokenKind.LeftParen, "'(' after IN");
        var items = new List<Expr> { ParseExpression() };
        while (Accept(TokenKind.Comma))
        {
            items.Add(ParseExpression());
        }
        Expect(TokenKind.RightParen, "')' or ','");
        return items;
    }

    private char ParseEscapeChar()
    {
        var token = Current;
        if (token.Kind != TokenKind.String || token.Text.Length != 1)
        {
            throw Expected("a one-character string after ESCAPE");
        }
        Advance();
        return token.Text[0];
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            BinaryOperator? op = Current.Kind switch
            {
                TokenKind.Plus => BinaryOperator.Add,
                TokenKind.Minus => BinaryOperator.Subtract,
                TokenKind.Concat => BinaryOperator.Concat,
                _ => null,
            };
            if (op is null)
            {
                return left;
            }
            Advance();
            left = Spanned(new BinaryExpr(op.Value, left, ParseMultiplicative()), left.Start);
        }
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            BinaryOperator? op = Current.Kind switch
            {
                TokenKind.Star => BinaryOperator.Multiply,
                TokenKind.Slash => BinaryOperator.Divide,
                TokenKind.Percent => BinaryOperator.Remainder,
                _ => null,
            };
            if (op is null)
            {
                return left;
            }
            Advance();
            left = Spanned(new BinaryExpr(op.Value, left, ParseUnary()), left.Start);
        }
    }

    private Expr ParseUnary()
    {
        var start = Current.Start;
        if (Accept(TokenKind.Plus))
        {
            return ParseUnary();
        }
        if (!Accept(TokenKind.Minus))
        {
            return ParsePostfix();
        }
        if (Current.Kind is TokenKind.Integer or TokenKind.Decimal)
        {
            // As in Spark's grammar, a minus directly before a number is part of the literal: -2147483648 is an int.
            return Spanned(NumberLiteral(Advance(), negative: true), start);
        }
        return Spanned(new UnaryExpr(UnaryOperator.Negate, ParseUnary()), start);
    }

    private Expr ParsePostfix()
    {
        var expr = ParsePrimary();
        while (Accept(TokenKind.Dot))
        {
            var field = ExpectName("a field name after '.'");
            expr = Spanned(new FieldAccess(expr, field.Text), expr.Start);
        }
        return expr;
    }

    private static BinaryOperator? ComparisonOperator(TokenKind kind) => kind switch
    {
        TokenKind.Equal => BinaryOperator.Equal,
        TokenKind.NullSafeEqual => BinaryOperator.NullSafeEqual,
        TokenKind.NotEqual => BinaryOperator.NotEqual,
        TokenKind.Less => BinaryOperator.Less,
        TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
        TokenKind.Greater => BinaryOperator.Greater,
        TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
        _ => null,
    };
}
