using System.Globalization;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Expressions.Parsing;

internal sealed partial class Parser
{
    private static readonly HashSet<string> AggregateNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "count", "sum", "avg", "mean", "min", "max", "first", "last", "approx_count_distinct",
        "collect_list", "collect_set", "stddev", "std", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop",
        "max_by", "min_by",
    };

    /// <summary>Aggregates that take a second argument: ignoreNulls, relativeSD, or the ordering of max_by/min_by.</summary>
    private static readonly HashSet<string> TwoArgumentAggregates = new(StringComparer.OrdinalIgnoreCase)
    {
        "first", "last", "approx_count_distinct", "max_by", "min_by",
    };

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer or TokenKind.Decimal:
                Advance();
                return Spanned(NumberLiteral(token, negative: false), token.Start);
            case TokenKind.String:
                Advance();
                return Spanned(new Literal(token.Text, DataType.String), token.Start);
            case TokenKind.QuotedIdentifier:
                Advance();
                return Spanned(new ColumnRef(token.Text), token.Start);
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseExpression();
                Expect(TokenKind.RightParen, "')'");
                return inner;
            case TokenKind.Identifier:
                return ParseWord(token);
            default:
                throw Expected("an expression");
        }
    }

    private Expr ParseWord(Token token)
    {
        var next = Peek(1);
        var word = token.Text.ToUpperInvariant();
        switch (word)
        {
            case "TRUE" or "FALSE":
                Advance();
                return Spanned(new Literal(word == "TRUE", DataType.Boolean), token.Start);
            case "NULL":
                Advance();
                return Spanned(new Literal(null, DataType.Null), token.Start);
            case "CASE":
                Advance();
                return ParseCase(token.Start);
            case "CAST" when next.Kind == TokenKind.LeftParen:
                Advance();
                return ParseCast(token.Start);
            case "INTERVAL" when next.Kind == TokenKind.String || StartsIntervalPart(ahead: 1):
                Advance();
                return Spanned(new IntervalLiteral(ParseIntervalBody()), token.Start);
            case "TIMESTAMP" when next.Kind == TokenKind.String:
                Advance();
                return Spanned(TimestampLiteral(Advance()), token.Start);
        }
        // END cannot start an expression, so here it is a column's name, as in Spark's default parser, where it is a
        // non-reserved keyword (a window's `end` after `window.end AS end`).
        if (Reserved.Contains(word) && !word.Equals("END", StringComparison.OrdinalIgnoreCase))
        {
            throw Expected("an expression");
        }
        Advance();
        if (!Accept(TokenKind.LeftParen))
        {
            return Spanned(new ColumnRef(token.Text), token.Start);
        }
        var name = token.Text.ToLowerInvariant();
        Expr call = name switch
        {
            _ when AggregateNames.Contains(name) => ParseAggregate(name),
            "window" => ParseWindow(),
            "session_window" => ParseSessionWindow(),
            _ => new FunctionCall(name, ParseArguments()),
        };
        return Spanned(call, token.Start);
    }

    /// <summary>The arguments after '(' up to and including ')'.</summary>
    private List<Expr> ParseArguments()
    {
        var arguments = new List<Expr>();
        if (Accept(TokenKind.RightParen))
        {
            return arguments;
        }
        if (IsKeyword(Current, "DISTINCT"))
        {
            throw Error($"DISTINCT is only allowed in an aggregate function, at position {Current.Start} in '{_text}'", Current.Start);
        }
        do
        {
            arguments.Add(ParseExpression());
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen, "')' or ','");
        return arguments;
    }

    private AggregateCall ParseAggregate(string name)
    {
        if (name == "count" && Accept(TokenKind.Star))
        {
            Expect(TokenKind.RightParen, "')'");
            return new AggregateCall(name, null, Distinct: false);
        }
        var distinct = AcceptKeyword("DISTINCT");
        var argument = ParseExpression();
        Expr? second = null;
        if (Current.Kind == TokenKind.Comma)
        {
            if (!TwoArgumentAggregates.Contains(name))
            {
                throw Error($"aggregate function {name} takes exactly one argument, at position {Current.Start} in '{_text}'", Current.Start);
            }
            Advance();
            second = ParseExpression();
            if (Current.Kind == TokenKind.Comma)
            {
                throw Error($"aggregate function {name} takes at most two arguments, at position {Current.Start} in '{_text}'", Current.Start);
            }
        }
        Expect(TokenKind.RightParen, "')'");
        return new AggregateCall(name, argument, distinct, second);
    }

    private WindowExpr ParseWindow()
    {
        var timeColumn = ParseExpression();
        Expect(TokenKind.Comma, "',' and a window duration");
        var sizeAt = Current.Start;
        var size = ParseWindowDuration("window duration");
        var slide = Accept(TokenKind.Comma) ? ParseWindowDuration("slide duration") : size;
        var offset = Accept(TokenKind.Comma) ? ParseWindowDuration("start time") : TimeSpan.Zero;
        Expect(TokenKind.RightParen, "')'");
        // Spark's TimeWindow.checkInputDataTypes, its texts first.
        if (size <= TimeSpan.Zero)
        {
            throw Error($"The window duration ({Durations.Format(size)}) must be greater than 0. (at position {sizeAt} in '{_text}')", sizeAt);
        }
        if (slide <= TimeSpan.Zero)
        {
            throw Error($"The slide duration ({Durations.Format(slide)}) must be greater than 0. (at position {sizeAt} in '{_text}')", sizeAt);
        }
        if (slide > size)
        {
            throw Error($"The slide duration ({Durations.Format(slide)}) must be less than or equal to the windowDuration ({Durations.Format(size)}). (at position {sizeAt} in '{_text}')", sizeAt);
        }
        if (offset.Duration() >= slide)
        {
            throw Error($"The absolute value of start time ({Durations.Format(offset)}) must be less than the slideDuration ({Durations.Format(slide)}). (at position {sizeAt} in '{_text}')", sizeAt);
        }
        return new WindowExpr(timeColumn, size, slide, offset);
    }

    /// <summary>A duration string or INTERVAL, or as Spark's <c>TimeWindow.parseExpression</c> a whole number of microseconds.</summary>
    private TimeSpan ParseWindowDuration(string what)
    {
        var negative = Current.Kind == TokenKind.Minus && Peek(1).Kind == TokenKind.Integer;
        if (Current.Kind != TokenKind.Integer && !negative)
        {
            return ParseDuration(what);
        }
        var start = Current.Start;
        if (negative)
        {
            Advance();
        }
        var digits = Advance().Text.TrimEnd('L', 'l');
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) && micros <= TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond
            ? TimeSpan.FromTicks((negative ? -micros : micros) * TimeSpan.TicksPerMicrosecond)
            : throw Error($"{what} {digits} microseconds at position {start} in '{_text}' is too large", start);
    }

    private SessionWindowExpr ParseSessionWindow()
    {
        var timeColumn = ParseExpression();
        Expect(TokenKind.Comma, "',' and a gap duration");
        var gapAt = Current.Start;
        var constant = (Current.Kind == TokenKind.String && Peek(1).Kind == TokenKind.RightParen && IsPositiveDuration(Current.Text))
            || IsKeyword(Current, "INTERVAL");
        if (!constant)
        {
            // SPARK-36465: a gap computed per row, e.g. CASE WHEN ... THEN '1 second' ELSE '10 seconds' END. A string
            // literal that is not a positive duration ('x sec', '-5 seconds') is one too: Spark casts it to an interval
            // per row, so every row is dropped ("filter out events with invalid gap duration"), the query still runs.
            var gapExpression = ParseExpression();
            Expect(TokenKind.RightParen, "')'");
            return new SessionWindowExpr(timeColumn, TimeSpan.Zero, gapExpression);
        }
        var gap = ParseDuration("gap duration");
        Expect(TokenKind.RightParen, "')'");
        return gap > TimeSpan.Zero
            ? new SessionWindowExpr(timeColumn, gap)
            : throw Error($"the session gap must be positive, at position {gapAt} in '{_text}'", gapAt);
    }

    private static bool IsPositiveDuration(string text)
    {
        var trimmed = text.Trim();
        try
        {
            return !trimmed.StartsWith('-') && Durations.TryParse(trimmed, out var duration) && duration > TimeSpan.Zero;
        }
        catch (OverflowException)
        {
            // A constant after all, so that ParseDuration reports it as too large.
            return true;
        }
    }

    private CaseExpr ParseCase(int start)
    {
        var operand = IsKeyword(Current, "WHEN") ? null : ParseExpression();
        var branches = new List<WhenClause>();
        while (AcceptKeyword("WHEN"))
        {
            var condition = ParseExpression();
            ExpectKeyword("THEN");
            branches.Add(new WhenClause(condition, ParseExpression()));
        }
        if (branches.Count == 0)
        {
            throw Expected("WHEN");
        }
        var otherwise = AcceptKeyword("ELSE") ? ParseExpression() : null;
        ExpectKeyword("END");
        return Spanned(new CaseExpr(operand, branches, otherwise), start);
    }

    private CastExpr ParseCast(int start)
    {
        Expect(TokenKind.LeftParen, "'('");
        var operand = ParseExpression();
        ExpectKeyword("AS");
        var typeToken = Expect(TokenKind.Identifier, "a type name");
        if (Accept(TokenKind.LeftParen))
        {
            while (Current.Kind is TokenKind.Integer or TokenKind.Comma)
            {
                Advance();
            }
            Expect(TokenKind.RightParen, "')'");
        }
        var typeText = _text[typeToken.Start..PreviousEnd];
        var name = typeToken.Text.ToLowerInvariant();
        var known = name is "varchar" or "char" ? DataType.String
            : PreviousEnd == typeToken.End && DataType.TryParse(name, out var parsed) ? parsed
            : null;
        if (known is null)
        {
            throw Error(
                $"unsupported type '{typeText}' in CAST at position {typeToken.Start} in '{_text}'; supported types: {DataType.ValidNames}{DataType.Instead(typeText)}",
                typeToken.Start);
        }
        Expect(TokenKind.RightParen, "')'");
        return Spanned(new CastExpr(operand, known), start);
    }
}
