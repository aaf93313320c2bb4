using System.Globalization;
using System.Text;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Java's <c>Double.toString</c>, which Spark uses to cast a double to string: <c>1.0</c>, <c>0.001</c>,
/// <c>1.0E7</c>, <c>1.5E-4</c>, <c>NaN</c>, <c>Infinity</c>. Digits are the shortest that round-trip.
/// </summary>
internal static class DoubleText
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }
        var (digits, exponent) = Decompose(Math.Abs(value));
        var text = new StringBuilder(value < 0 ? "-" : "");
        var magnitude = Math.Abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e7)
        {
            if (exponent >= 0)
            {
                var whole = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
                var fraction = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
                return text.Append(whole).Append('.').Append(fraction).ToString();
            }
            return text.Append("0.").Append('0', -exponent - 1).Append(digits).ToString();
        }
        text.Append(digits[0]).Append('.').Append(digits.Length > 1 ? digits[1..] : "0");
        return text.Append('E').Append(exponent.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>The significant digits d1d2d3... and exponent e with value = d1.d2d3... * 10^e.</summary>
    private static (string Digits, int Exponent) Decompose(double magnitude)
    {
        var roundTrip = magnitude.ToString("R", CultureInfo.InvariantCulture);
        var e = roundTrip.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? roundTrip : roundTrip[..e];
        var exponent = e < 0 ? 0 : int.Parse(roundTrip.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? mantissa : mantissa[..point];
        var all = point < 0 ? mantissa : whole + mantissa[(point + 1)..];
        exponent += whole.Length - 1;
        var leading = all.Length - all.TrimStart('0').Length;
        return (all.Trim('0'), exponent - leading);
    }
}
