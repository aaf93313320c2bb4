using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Spec;

/// <summary>
/// A <c>withWatermark</c> delay as Spark's <c>Dataset.withWatermark</c> reads it: a multi-unit interval string
/// (<c>"10 seconds"</c>, <c>"2 years 5 months"</c>, <c>"1 year -13 months"</c>), optionally after <c>interval</c>, or an
/// ANSI interval literal (<c>interval '3' day</c>, <c>interval '1 2:3:4' day to second</c>, <c>interval '1-2' year to
/// month</c>, SPARK-35815). A month counts 31 days and a year 12 months, as Spark's <c>IntervalUtils.getDuration</c>
/// computes the delay. A negative total is refused with Spark's "should not be negative" message.
/// </summary>
public static partial class WatermarkDelays
{
    public const string Expected =
        "a duration such as \"10 seconds\", \"5 minutes\", \"2 years 5 months\", \"interval '3' day\" or \"interval '1 2:3:4' day to second\" (0 or more)";

    private const long MsPerDay = 86_400_000;
    private const long MsPerMonth = 31 * MsPerDay;

    [GeneratedRegex(@"^interval\s+", RegexOptions.IgnoreCase)]
    private static partial Regex IntervalKeyword();

    [GeneratedRegex(@"^'(?<value>[^']*)'\s+(?<from>[a-z]+)\s+to\s+(?<to>[a-z]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromTo();

    [GeneratedRegex(@"\G\s*(?:(?<value>[+-]?\d+(?:\.\d+)?)|'(?<value>[+-]?\d+(?:\.\d+)?)')\s*(?<unit>[a-z]+)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex UnitPart();

    /// <summary>The delay, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static TimeSpan? Parse(string text, out string? error)
    {
        error = null;
        var body = IntervalKeyword().Replace(text.Trim(), "");
        var ms = FromTo().Match(body) is { Success: true } fromTo
            ? FromToMilliseconds(fromTo.Groups["value"].Value, fromTo.Groups["from"].Value, fromTo.Groups["to"].Value)
            : UnitsMilliseconds(body);
        if (ms is null)
        {
            error = $"expected {Expected}, found \"{text}\"";
            return null;
        }
        if (ms < 0)
        {
            error = $"delay threshold ({text}) should not be negative. Give a delay of 0 seconds or more";
            return null;
        }
        return TimeSpan.FromMilliseconds(ms.Value);
    }

    private static double? UnitsMilliseconds(string body)
    {
        var total = 0.0;
        var at = 0;
        var any = false;
        for (var part = UnitPart().Match(body); part.Success && part.Index == at; part = part.NextMatch())
        {
            var unitMs = UnitMilliseconds(part.Groups["unit"].Value.ToLowerInvariant());
            if (unitMs is null)
            {
                return null;
            }
            total += double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture) * unitMs.Value;
            at = part.Index + part.Length;
            any = true;
        }
        return any && at == body.Length ? total : null;
    }

    private static double? UnitMilliseconds(string unit) => unit switch
    {
        "year" or "years" => 12 * MsPerMonth,
        "month" or "months" => MsPerMonth,
        _ => Durations.TryParse($"1 {unit}", out var one) ? one.TotalMilliseconds : null,
    };

    /// <summary>
    /// The value of an ANSI day-time interval literal <c>INTERVAL '[+|-]d h:m:s.n' DAY TO SECOND</c> or one of its narrower
    /// forms (<c>DAY TO HOUR</c>, <c>DAY TO MINUTE</c>, <c>HOUR TO MINUTE</c>, <c>HOUR TO SECOND</c>, <c>MINUTE TO SECOND</c>);
    /// null when the units are not such a pair or the value does not have exactly their fields.
    /// </summary>
    public static TimeSpan? DayTime(string value, string from, string to) =>
        !from.Equals("year", StringComparison.OrdinalIgnoreCase) && FromToMilliseconds(value, from, to) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>
    /// ANSI <c>'...' FROM to TO</c> literals: the value's fields must be exactly those from FROM down to TO, and each field
    /// after the first within its unit (months 0-11, hours 0-23, minutes and seconds 0-59), as Spark's <c>IntervalUtils</c>.
    /// </summary>
    private static double? FromToMilliseconds(string text, string from, string to)
    {
        var value = text.Trim();
        var negative = value.StartsWith('-');
        value = value.Length > 0 && value[0] is '+' or '-' ? value[1..] : value;
        var fields = (from.ToLowerInvariant(), to.ToLowerInvariant()) switch
        {
            ("year", "month") => Fields(value, @"^(\d+)-(\d+)$", 12 * MsPerMonth, MsPerMonth),
            ("day", "hour") => Fields(value, @"^(\d+) (\d+)$", MsPerDay, 3_600_000),
            ("day", "minute") => Fields(value, @"^(\d+) (\d+):(\d+)$", MsPerDay, 3_600_000, 60_000),
            ("day", "second") => Fields(value, @"^(\d+) (\d+):(\d+):(\d+(?:\.\d+)?)$", MsPerDay, 3_600_000, 60_000, 1000),
            ("hour", "minute") => Fields(value, @"^(\d+):(\d+)$", 3_600_000, 60_000),
            ("hour", "second") => Fields(value, @"^(\d+):(\d+):(\d+(?:\.\d+)?)$", 3_600_000, 60_000, 1000),
            ("minute", "second") => Fields(value, @"^(\d+):(\d+(?:\.\d+)?)$", 60_000, 1000),
            _ => null,
        };
        return negative ? -fields : fields;
    }

    private static double? Fields(string value, string pattern, params double[] unitMs)
    {
        var match = Regex.Match(value, pattern);
        if (!match.Success)
        {
            return null;
        }
        var total = 0.0;
        for (var i = 0; i < unitMs.Length; i++)
        {
            var field = double.Parse(match.Groups[i + 1].Value, CultureInfo.InvariantCulture);
            if (i > 0 && field >= unitMs[i - 1] / unitMs[i])
            {
                return null;
            }
            total += field * unitMs[i];
        }
        return total;
    }
}
