namespace Sluice.State;

/// <summary>Key order of every store: unsigned lexicographic bytes, as RocksDB's default bytewise comparator.</summary>
internal sealed class StateKeys : IComparer<byte[]>
{
    public static readonly StateKeys Comparer = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    /// <summary>The smallest key greater than every key that starts with <paramref name="prefix"/>; null when none exists (all 0xFF).</summary>
    public static byte[]? PrefixUpperBound(ReadOnlySpan<byte> prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != 0xFF)
            {
                var bound = prefix[..(i + 1)].ToArray();
                bound[i]++;
                return bound;
            }
        }
        return null;
    }
}
