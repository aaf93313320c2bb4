using System.Globalization;
using System.Text;

namespace Sluice.Expressions.Functions;

/// <summary>
/// Translates Spark datetime patterns (<c>yyyy-MM-dd HH:mm:ss.SSS</c>) to .NET custom format strings. Supported
/// letters: y M L d H h m s S a E X x Z; text in single quotes is literal. Times are UTC.
/// </summary>
internal static class DateTimePatterns
{
    public const string Default = "yyyy-MM-dd HH:mm:ss";

    public static bool TryTranslate(string pattern, out string format, out string? error)
    {
        var result = new StringBuilder();
        error = null;
        format = "";
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                var end = pattern.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    error = $"unterminated quote in the datetime pattern '{pattern}'";
                    return false;
                }
                var literal = end == i + 1 ? "'" : pattern[(i + 1)..end];
                foreach (var ch in literal)
                {
                    result.Append('\\').Append(ch);
                }
                i = end + 1;
                continue;
            }
            if (!char.IsAsciiLetter(c))
            {
                result.Append('\\').Append(c);
                i++;
                continue;
            }
            var run = 1;
            while (i + run < pattern.Length && pattern[i + run] == c)
            {
                run++;
            }
            var translated = Letter(c, run);
            if (translated is null)
            {
                error = $"unsupported letter '{c}' in the datetime pattern '{pattern}'";
                return false;
            }
            result.Append(translated);
            i += run;
        }
        format = result.Length == 1 ? "%" + result : result.ToString();
        return true;
    }

    private static string? Letter(char c, int run) => c switch
    {
        'y' => run == 2 ? "yy" : "yyyy",
        'M' or 'L' => new string('M', Math.Min(run, 4)),
        'd' or 'H' or 'h' or 'm' or 's' => new string(c, Math.Min(run, 2)),
        'S' => new string('f', Math.Min(run, 7)),
        'a' => "tt",
        'E' => run <= 3 ? "ddd" : "dddd",
        'X' or 'x' => "K",
        'Z' => "zzz",
        _ => null,
    };

    public static DateTime? Parse(string text, string format) =>
        DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    public static string Format(DateTime value, string format) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString(format, CultureInfo.InvariantCulture);
}
