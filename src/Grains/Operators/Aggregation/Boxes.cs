namespace Sluice.Operators.Aggregation;

/// <summary>Shared boxes for values aggregates store often, so setting a flag, a zero or a small count does not allocate.</summary>
internal static class Boxes
{
    public static readonly object True = true;
    public static readonly object False = false;
    public static readonly object ZeroLong = 0L;
    public static readonly object ZeroDouble = 0.0;

    private static readonly object[] SmallLongs = [.. Enumerable.Range(0, 1024).Select(static i => (object)(long)i)];

    /// <summary>A box of <paramref name="value"/>, shared for 0 to 1023 (counts are mostly small).</summary>
    public static object Long(long value) => (ulong)value < (ulong)SmallLongs.Length ? SmallLongs[value] : value;
}
