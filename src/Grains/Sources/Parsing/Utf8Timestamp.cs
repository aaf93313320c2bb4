namespace Sluice.Sources.Parsing;

/// <summary>
/// Parses timestamps straight from UTF-8 bytes, without a string per value. Accepts the ISO-8601 forms Spark reads:
/// <c>2024-01-01</c>, <c>2024-01-01T10:00</c>, <c>2024-01-01 10:00:00.123456</c>, with an optional zone
/// (<c>Z</c>, <c>+02:00</c>, <c>+0200</c>, <c>+02</c>, <c>UTC</c>, <c>GMT</c>); no zone means UTC.
/// Deliberately strict: no culture-dependent forms, and never a date taken from the clock.
/// </summary>
internal static class Utf8Timestamp
{
    private static readonly long MinEpochSeconds = (DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
    private static readonly long MaxEpochSeconds = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;

    public static bool TryParse(ReadOnlySpan<byte> text, out DateTime value)
    {
        value = default;
        var s = text[System.Text.Ascii.Trim(text)];
        var i = 0;
        if (!TryDigits(s, ref i, 4, 4, out var year) || !TryExpect(s, ref i, (byte)'-')
            || !TryDigits(s, ref i, 1, 2, out var month) || !TryExpect(s, ref i, (byte)'-')
            || !TryDigits(s, ref i, 1, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        long ticks = 0;
        if (i < s.Length && s[i] is (byte)'T' or (byte)'t' or (byte)' ' && !IsZoneAt(s, i + 1))
        {
            i++;
            if (!TryTime(s, ref i, out ticks))
            {
                return false;
            }
        }
        if (!TryZone(s, ref i, out var offsetMinutes) || i != s.Length)
        {
            return false;
        }
        var utcTicks = new DateTime(year, month, day).Ticks + ticks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        value = new DateTime(utcTicks, DateTimeKind.Utc);
        return true;
    }

    /// <summary>Seconds since 1970-01-01T00:00:00Z, as Spark reads a number given for a timestamp.</summary>
    public static bool TryFromEpochSeconds(long seconds, out DateTime value)
    {
        value = default;
        if (seconds < MinEpochSeconds || seconds > MaxEpochSeconds)
        {
            return false;
        }
        value = DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond);
        return true;
    }

    public static bool TryFromEpochSeconds(double seconds, out DateTime value)
    {
        value = default;
        if (!double.IsFinite(seconds) || seconds < MinEpochSeconds || seconds > MaxEpochSeconds)
        {
            return false;
        }
        value = DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary><c>H[H]:mm[:ss[.fraction]]</c> as ticks since midnight; fraction digits past the seventh are dropped.</summary>
    private static bool TryTime(ReadOnlySpan<byte> s, ref int i, out long ticks)
    {
        ticks = 0;
        if (!TryDigits(s, ref i, 1, 2, out var hour) || !TryExpect(s, ref i, (byte)':') || !TryDigits(s, ref i, 2, 2, out var minute))
        {
            return false;
        }
        var second = 0;
        if (i < s.Length && s[i] == ':')
        {
            i++;
            if (!TryDigits(s, ref i, 2, 2, out second))
            {
                return false;
            }
            if (i < s.Length && s[i] is (byte)'.' or (byte)',')
            {
                i++;
                var start = i;
                long fraction = 0;
                var scale = TimeSpan.TicksPerSecond;
                while (i < s.Length && IsDigit(s[i]))
                {
                    if (i - start < 7)
                    {
                        scale /= 10;
                        fraction += (s[i] - '0') * scale;
                    }
                    i++;
                }
                if (i == start || i - start > 9)
                {
                    return false;
                }
                ticks = fraction;
            }
        }
        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        ticks += (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond);
        return true;
    }

    private static bool TryZone(ReadOnlySpan<byte> s, ref int i, out int offsetMinutes)
    {
        offsetMinutes = 0;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        if (i == s.Length)
        {
            return true;
        }
        if (s[i] is (byte)'Z' or (byte)'z')
        {
            i++;
            return true;
        }
        if (s.Length - i >= 3 && (System.Text.Ascii.EqualsIgnoreCase(s.Slice(i, 3), "UTC"u8) || System.Text.Ascii.EqualsIgnoreCase(s.Slice(i, 3), "GMT"u8)))
        {
            i += 3;
            if (i == s.Length)
            {
                return true;
            }
        }
        if (s[i] is not ((byte)'+' or (byte)'-'))
        {
            return false;
        }
        var sign = s[i] == '-' ? -1 : 1;
        i++;
        if (!TryDigits(s, ref i, 1, 2, out var hours))
        {
            return false;
        }
        var minutes = 0;
        if (i < s.Length)
        {
            if (s[i] == ':')
            {
                i++;
            }
            if (!TryDigits(s, ref i, 2, 2, out minutes))
            {
                return false;
            }
        }
        if (hours > 18 || minutes > 59)
        {
            return false;
        }
        offsetMinutes = sign * ((hours * 60) + minutes);
        return true;
    }

    private static bool IsZoneAt(ReadOnlySpan<byte> s, int i) =>
        i < s.Length && s[i] is (byte)'Z' or (byte)'z' or (byte)'+' or (byte)'-' or (byte)'U' or (byte)'G';

    private static bool TryExpect(ReadOnlySpan<byte> s, ref int i, byte c)
    {
        if (i < s.Length && s[i] == c)
        {
            i++;
            return true;
        }
        return false;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, ref int i, int min, int max, out int value)
    {
        value = 0;
        var start = i;
        while (i < s.Length && i - start < max && IsDigit(s[i]))
        {
            value = (value * 10) + (s[i] - '0');
            i++;
        }
        return i - start >= min;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
