using System.Globalization;
using System.Text;
using Sluice.Spec;

namespace Sluice.Client.Typed;

/// <summary>C# values as Spark SQL literals, in the forms the silo's expression parser reads.</summary>
internal static class SqlLiterals
{
    public static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => Quote(s),
        char c => Quote(c.ToString()),
        bool b => b ? "TRUE" : "FALSE",
        int or short or byte or sbyte or ushort => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        long l => l.ToString(CultureInfo.InvariantCulture),
        uint or ulong => throw Unsupported(value, "unsigned integers have no Spark type"),
        // Always with a decimal point or exponent: Spark reads 10 as an int, and int arithmetic is not C#'s double arithmetic.
        double d => Double(d),
        float f => Double(f),
        decimal m => Double((double)m),
        DateTime t => $"TIMESTAMP '{Timestamp(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t)}'",
        DateTimeOffset o => $"TIMESTAMP '{Timestamp(o.UtcDateTime)}'",
        TimeSpan span => Interval(span),
        Enum => throw Unsupported(value, "enums have no Spark type; compare with a string or int column"),
        _ => throw Unsupported(value, "only strings, numbers, booleans, DateTime, DateTimeOffset and TimeSpan become literals"),
    };

    /// <summary>A duration as Spark's window functions take it: <c>'5 minutes'</c>.</summary>
    public static string Duration(TimeSpan span) => Quote(Durations.Format(span));

    /// <summary>An interval literal: <c>INTERVAL 30 seconds</c>.</summary>
    public static string Interval(TimeSpan span) =>
        span < TimeSpan.Zero ? $"INTERVAL -{Durations.Format(-span)}" : $"INTERVAL {Durations.Format(span)}";

    /// <summary>A string literal with Spark's backslash escapes.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("'");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\'' => "\\'",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return sb.Append('\'').ToString();
    }

    private static string Double(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return $"CAST('{(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity")}' AS double)";
        }
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string Timestamp(DateTime t) =>
        t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static NotSupportedException Unsupported(object value, string why) =>
        new($"Cannot translate the value {value} ({value.GetType().Name}) to a Spark SQL literal: {why}.");
}
