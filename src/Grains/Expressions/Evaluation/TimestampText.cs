using System.Globalization;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Spark's string forms of timestamps. Parsing accepts <c>yyyy[-[m]m[-[d]d[( |T)[h]h[:[m]m[:[s]s[.fraction]]]]]]</c>
/// followed by an optional zone (<c>Z</c>, <c>UTC</c>, <c>GMT</c>, <c>+hh:mm</c>, <c>+hhmm</c>, <c>+hh</c>); without a
/// zone the time is UTC. Formatting is <c>yyyy-MM-dd HH:mm:ss[.ffffff]</c> with trailing zeros of the fraction dropped.
/// </summary>
internal static class TimestampText
{
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime value)
    {
        value = default;
        var s = StringConversions.TrimSpark(text);
        var i = 0;
        int month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long fraction = 0;
        if (!Digits(s, ref i, 4, 4, out var year))
        {
            return false;
        }
        if (Skip(s, ref i, '-'))
        {
            if (!Digits(s, ref i, 1, 2, out month))
            {
                return false;
            }
            if (Skip(s, ref i, '-'))
            {
                if (!Digits(s, ref i, 1, 2, out day))
                {
                    return false;
                }
                if (i < s.Length && s[i] is 'T' or ' ' && !TryParseTime(s, ref i, out hour, out minute, out second, out fraction))
                {
                    return false;
                }
            }
        }
        if (!TryParseZone(s[i..], out var offsetMinutes)
            || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)
            || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }
        var ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction - offsetMinutes * TimeSpan.TicksPerMinute;
        var result = Timestamps.FromTicks(ticks);
        value = result.GetValueOrDefault();
        return result.HasValue;
    }

    public static string Format(DateTime value)
    {
        var text = value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var micros = value.Ticks % TimeSpan.TicksPerSecond / 10;
        return micros == 0 ? text : text + "." + micros.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    private static bool TryParseTime(ReadOnlySpan<char> s, ref int i, out int hour, out int minute, out int second, out long fraction)
    {
        minute = second = 0;
        fraction = 0;
        i++;
        if (!Digits(s, ref i, 1, 2, out hour))
        {
            return false;
        }
        if (Skip(s, ref i, ':'))
        {
            if (!Digits(s, ref i, 1, 2, out minute))
            {
                return false;
            }
            if (Skip(s, ref i, ':'))
            {
                if (!Digits(s, ref i, 1, 2, out second))
                {
                    return false;
                }
                if (Skip(s, ref i, '.'))
                {
                    var start = i;
                    while (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        if (i - start < 7)
                        {
                            fraction = fraction * 10 + (s[i] - '0');
                        }
                        i++;
                    }
                    for (var n = Math.Min(i - start, 7); n < 7; n++)
                    {
                        fraction *= 10;
                    }
                    return i > start && i - start <= 9;
                }
            }
        }
        return true;
    }

    private static bool TryParseZone(ReadOnlySpan<char> zone, out int offsetMinutes)
    {
        offsetMinutes = 0;
        zone = zone.TrimStart(' ');
        if (zone.IsEmpty || zone is "Z" or "z" || zone.Equals("UTC", StringComparison.OrdinalIgnoreCase)
            || zone.Equals("GMT", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (zone[0] is not ('+' or '-'))
        {
            return false;
        }
        var i = 1;
        if (!Digits(zone, ref i, 1, 2, out var hours))
        {
            return false;
        }
        var minutes = 0;
        Skip(zone, ref i, ':');
        if (i < zone.Length && !Digits(zone, ref i, 2, 2, out minutes))
        {
            return false;
        }
        offsetMinutes = (hours * 60 + minutes) * (zone[0] == '-' ? -1 : 1);
        return i == zone.Length && hours <= 18 && minutes < 60;
    }

    private static bool Skip(ReadOnlySpan<char> s, ref int i, char c)
    {
        if (i < s.Length && s[i] == c)
        {
            i++;
            return true;
        }
        return false;
    }

    private static bool Digits(ReadOnlySpan<char> s, ref int i, int min, int max, out int value)
    {
        value = 0;
        var start = i;
        while (i < s.Length && i - start < max && char.IsAsciiDigit(s[i]))
        {
            value = value * 10 + (s[i] - '0');
            i++;
        }
        return i - start >= min;
    }
}
