using System.Globalization;
using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Spec;

namespace Sluice.Expressions.Parsing;

internal sealed partial class Parser
{
    private static readonly HashSet<string> IntervalUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes",
        "second", "seconds", "millisecond", "milliseconds", "microsecond", "microseconds",
    };

    /// <summary>Spark's numeric literals: an int when it fits, else a bigint; <c>10L</c> is a bigint; 1.5, 1e3 and 2D are doubles.</summary>
    private Literal NumberLiteral(Token token, bool negative)
    {
        var text = negative ? "-" + token.Text : token.Text;
        if (token.Kind == TokenKind.Decimal)
        {
            var digits = text[^1] is 'D' or 'd' or 'F' or 'f' ? text[..^1] : text;
            return new Literal(double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture), DataType.Double);
        }
        if (text[^1] is 'L' or 'l')
        {
            return long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)
                ? new Literal(big, DataType.Long)
                : throw Error($"bigint literal {text} is out of range at position {token.Start} in '{_text}'", token.Start);
        }
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small))
        {
            return new Literal(small, DataType.Int);
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var wide)
            ? new Literal(wide, DataType.Long)
            : new Literal(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), DataType.Double);
    }

    private Literal TimestampLiteral(Token token) =>
        TimestampText.TryParse(token.Text, out var value)
            ? new Literal(value, DataType.Timestamp)
            : throw Error($"invalid timestamp literal '{token.Text}' at position {token.Start} in '{_text}'", token.Start);

    /// <summary>
    /// The body of an interval literal after INTERVAL: <c>'5 seconds'</c>, <c>'5' SECOND</c>, <c>5 minutes</c>,
    /// <c>1 hour 30 minutes</c>. Units of months and years are rejected: their length varies.
    /// </summary>
    private TimeSpan ParseIntervalBody()
    {
        var start = Current.Start;
        if (Current.Kind == TokenKind.String)
        {
            var text = Advance().Text;
            if (Current.Kind == TokenKind.Identifier && IntervalUnits.Contains(Current.Text))
            {
                var unit = Advance().Text;
                if (AcceptKeyword("TO"))
                {
                    var last = Current.Kind == TokenKind.Identifier ? Advance().Text : throw Expected("an interval unit after TO, such as SECOND");
                    return DayTimeInterval(text, unit, last, start);
                }
                text += " " + unit;
            }
            return ToDuration(text, "interval", start);
        }
        var total = TimeSpan.Zero;
        do
        {
            var partStart = Current.Start;
            var sign = Accept(TokenKind.Minus) ? "-" : "";
            var amount = Current.Kind is TokenKind.Integer or TokenKind.Decimal ? Advance().Text : throw Expected("a number");
            var unit = Current.Kind == TokenKind.Identifier && IntervalUnits.Contains(Current.Text)
                ? Advance().Text
                : throw Expected("an interval unit such as SECONDS or MINUTES");
            var part = ToDuration($"{sign}{amount} {unit}", "interval", partStart);
            total = TimeSpan.MaxValue - part.Duration() >= total.Duration()
                ? total + part
                : throw Error($"interval at position {start} in '{_text}' is too large", start);
        }
        while (StartsIntervalPart());
        return total;
    }

    /// <summary>
    /// Spark's ANSI day-time interval literal <c>INTERVAL '[+|-]d h:m:s.n' DAY TO SECOND</c> and its narrower forms
    /// (<c>'d h' DAY TO HOUR</c>, <c>'h:m' HOUR TO MINUTE</c>, <c>'m:s.n' MINUTE TO SECOND</c>, ...).
    /// </summary>
    private TimeSpan DayTimeInterval(string text, string fromUnit, string toUnit, int position) =>
        WatermarkDelays.DayTime(text, fromUnit, toUnit)
        ?? throw Error($"invalid interval '{text}' {fromUnit} TO {toUnit} at position {position} in '{_text}'; expected DAY, HOUR or MINUTE TO a " +
            "smaller unit and a value with exactly those fields, after the first within its unit (hours 0-23, minutes and seconds 0-59), " +
            "e.g. interval '3:30' minute to second or interval '1 2:03:04.5' day to second (year to month is not supported: months vary)", position);

    /// <summary>Whether the next tokens are another <c>[-]number unit</c> pair (and not, say, a binary minus).</summary>
    private bool StartsIntervalPart(int ahead = 0)
    {
        var at = Peek(ahead).Kind == TokenKind.Minus ? ahead + 1 : ahead;
        var unit = Peek(at + 1);
        return Peek(at).Kind is TokenKind.Integer or TokenKind.Decimal
            && unit.Kind == TokenKind.Identifier && IntervalUnits.Contains(unit.Text);
    }

    /// <summary>A duration argument of window() or session_window(): a string literal or an interval literal.</summary>
    private TimeSpan ParseDuration(string what)
    {
        var start = Current.Start;
        if (Current.Kind == TokenKind.String)
        {
            return ToDuration(Advance().Text, what, start);
        }
        if (AcceptKeyword("INTERVAL"))
        {
            return ParseIntervalBody();
        }
        throw Expected($"a {what} as a string such as '10 minutes'");
    }

    private TimeSpan ToDuration(string text, string what, int position)
    {
        var trimmed = text.Trim();
        var negative = trimmed.StartsWith('-');
        try
        {
            if (Durations.TryParse(negative ? trimmed[1..] : trimmed, out var duration))
            {
                return negative ? -duration : duration;
            }
        }
        catch (OverflowException)
        {
            throw Error($"{what} '{text}' at position {position} in '{_text}' is too large", position);
        }
        var hint = trimmed.Contains("month", StringComparison.OrdinalIgnoreCase) || trimmed.Contains("year", StringComparison.OrdinalIgnoreCase)
            ? "months and years are not supported because their length varies"
            : $"expected {Durations.Expected}";
        throw Error($"invalid {what} '{text}' at position {position} in '{_text}'; {hint}", position);
    }
}
