namespace Sluice.Operators.Aggregation;

/// <summary>Shared boxes for values aggregates store often, so setting a flag or a zero does not allocate.</summary>
internal static class Boxes
{
    public static readonly object True = true;
    public static readonly object False = false;
    public static readonly object ZeroLong = 0L;
    public static readonly object ZeroDouble = 0.0;
}
