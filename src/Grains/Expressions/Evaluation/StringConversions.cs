using System.Globalization;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Spark's casts from string (ANSI mode off): surrounding whitespace is ignored and a string that does not parse,
/// or does not fit the type, is null.
/// </summary>
internal static class StringConversions
{
    /// <summary>As Spark's <c>UTF8String.trimAll</c>: drops whitespace and control characters at both ends.</summary>
    public static ReadOnlySpan<char> TrimSpark(ReadOnlySpan<char> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && (text[start] <= ' ' || char.IsWhiteSpace(text[start])))
        {
            start++;
        }
        while (end > start && (text[end - 1] <= ' ' || char.IsWhiteSpace(text[end - 1])))
        {
            end--;
        }
        return text[start..end];
    }

    /// <summary>Digits with an optional sign; as in Spark a fractional part is allowed and dropped ('1.9' is 1).</summary>
    public static long? ToLong(string text)
    {
        var s = TrimSpark(text);
        var end = 0;
        if (end < s.Length && s[end] is '+' or '-')
        {
            end++;
        }
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }
        var integral = s[..end];
        if (end < s.Length)
        {
            if (s[end] != '.' || !AllDigits(s[(end + 1)..]))
            {
                return null;
            }
        }
        return long.TryParse(integral, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public static int? ToInt(string text) => ToLong(text) is long value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    /// <summary>Java's number syntax plus Spark's special values: inf, +inf, infinity, -inf, -infinity, nan (any case).</summary>
    public static double? ToDouble(string text)
    {
        var s = TrimSpark(text);
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        return s.ToString().ToLowerInvariant() switch
        {
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" => double.NaN,
            _ => null,
        };
    }

    /// <summary>t, true, y, yes, 1 are true; f, false, n, no, 0 are false (any case); anything else is null.</summary>
    public static bool? ToBoolean(string text) => TrimSpark(text).ToString().ToLowerInvariant() switch
    {
        "t" or "true" or "y" or "yes" or "1" => true,
        "f" or "false" or "n" or "no" or "0" => false,
        _ => null,
    };

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
