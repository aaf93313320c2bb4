using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Spark's ordering of non-null values of one SQL type, for <c>min</c> and <c>max</c>:
/// numbers by value with NaN above every other double and -0.0 equal to 0.0; strings by Unicode code point (the
/// order of their UTF-8 bytes, as Spark compares them, which differs from UTF-16 ordinal order for characters
/// beyond U+FFFF); false before true; timestamps by time; binary by unsigned bytes, then length; structs field by
/// field and arrays element by element with NULL first, then the shorter array first.
/// </summary>
internal static class ValueOrdering
{
    public static int Compare(object a, object b) => (a, b) switch
    {
        (int x, int y) => x.CompareTo(y),
        (long x, long y) => x.CompareTo(y),
        (double x, double y) => CompareDoubles(x, y),
        (string x, string y) => CompareCodePoints(x, y),
        (DateTime x, DateTime y) => x.Ticks.CompareTo(y.Ticks),
        (bool x, bool y) => x.CompareTo(y),
        (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
        (StructValue x, StructValue y) => CompareItems(x.Values, y.Values),
        (object?[] x, object?[] y) => CompareItems(x, y),
        _ => throw new InvalidOperationException($"cannot order a {a.GetType().Name} against a {b.GetType().Name}"),
    };

    /// <summary>As Spark's <c>SQLOrderingUtil.compareDoubles</c>: NaN equals NaN and is greater than any other value.</summary>
    public static int CompareDoubles(double x, double y)
    {
        if (x == y)
        {
            return 0;
        }
        var xNaN = double.IsNaN(x);
        if (xNaN || double.IsNaN(y))
        {
            return xNaN == double.IsNaN(y) ? 0 : xNaN ? 1 : -1;
        }
        return x < y ? -1 : 1;
    }

    /// <summary>Code point order: UTF-16 ordinal order, except that surrogates (U+D800..U+DFFF) sort above U+E000..U+FFFF.</summary>
    public static int CompareCodePoints(string x, string y)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var cx = x[i];
            var cy = y[i];
            if (cx != cy)
            {
                return Fixup(cx) - Fixup(cy);
            }
        }
        return x.Length - y.Length;
    }

    private static int Fixup(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;

    private static int CompareItems(object?[] x, object?[] y)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var order = (x[i], y[i]) switch
            {
                (null, null) => 0,
                (null, _) => -1,
                (_, null) => 1,
                var (l, r) => Compare(l, r),
            };
            if (order != 0)
            {
                return order;
            }
        }
        return x.Length.CompareTo(y.Length);
    }
}
