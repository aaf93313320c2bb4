using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Spec;

/// <summary>Spark-style durations: <c>"10 seconds"</c>, <c>"1 second"</c>, <c>"5 minutes"</c>, <c>"100 ms"</c>, <c>"1 hour 30 minutes"</c>.</summary>
public static partial class Durations
{
    public const string Expected = "a duration such as \"10 seconds\", \"500 milliseconds\", \"5 minutes\" or \"1 hour\"";

    [GeneratedRegex(@"^\s*(?:interval\s+)?((?:\d+(?:\.\d+)?\s*[a-z]+\s*)+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*([a-z]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Part();

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null || !Whole().IsMatch(text))
        {
            return false;
        }
        foreach (Match part in Part().Matches(text))
        {
            var amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            var unitMs = UnitMilliseconds(part.Groups[2].Value.ToLowerInvariant());
            if (unitMs is null)
            {
                return false;
            }
            duration += TimeSpan.FromMilliseconds(amount * unitMs.Value);
        }
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not {Expected}.");

    private static double? UnitMilliseconds(string unit) => unit switch
    {
        "us" or "microsecond" or "microseconds" => 0.001,
        "ms" or "millisecond" or "milliseconds" => 1,
        "s" or "sec" or "secs" or "second" or "seconds" => 1000,
        "m" or "min" or "mins" or "minute" or "minutes" => 60_000,
        "h" or "hour" or "hours" => 3_600_000,
        "d" or "day" or "days" => 86_400_000,
        "week" or "weeks" => 604_800_000,
        _ => null,
    };

    /// <summary>The shortest exact Spark form: <c>"30 seconds"</c>, <c>"1500 milliseconds"</c>.</summary>
    public static string Format(TimeSpan d)
    {
        var ms = (long)d.TotalMilliseconds;
        return ms switch
        {
            0 => "0 seconds",
            _ when ms % 3_600_000 == 0 => Plural(ms / 3_600_000, "hour"),
            _ when ms % 60_000 == 0 => Plural(ms / 60_000, "minute"),
            _ when ms % 1000 == 0 => Plural(ms / 1000, "second"),
            _ => Plural(ms, "millisecond"),
        };
    }

    private static string Plural(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
