using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// Keys of one key group ordered by a time kept in their state: pending timeouts (flatMapGroupsWithState). The time is
/// stored with the state, so the index is durable with it; it is rebuilt from the store when the store opens, and kept
/// beside it between batches (<see cref="OperatorCache"/>). It costs a tree node per key; an aggregation's closing
/// groups use <see cref="ClosingGroups"/>, which costs far less.
/// </summary>
internal sealed class TimerIndex
{
    private readonly SortedSet<(long TimeoutMs, byte[] Key)> _timers = new(Comparer<(long, byte[])>.Create(Compare));

    /// <summary>The index of the keys' stored timeouts.</summary>
    public static TimerIndex Build(IStateStore store) => Build(store, static (_, value) => GroupStateValue.Decode(value).TimeoutMs);

    /// <summary>The index of every entry's time, as <paramref name="timeOf"/> reads it from the key and value (null: not indexed).</summary>
    public static TimerIndex Build(IStateStore store, Func<byte[], byte[], long?> timeOf)
    {
        var index = new TimerIndex();
        foreach (var (key, value) in store.Iterate())
        {
            if (timeOf(key, value) is { } time)
            {
                index.Add(time, key);
            }
        }
        return index;
    }

    public int Count => _timers.Count;

    public long? Earliest => _timers.Count == 0 ? null : _timers.Min.TimeoutMs;

    public void Add(long timeoutMs, byte[] key) => _timers.Add((timeoutMs, key));

    public void Remove(long timeoutMs, byte[] key) => _timers.Remove((timeoutMs, key));

    /// <summary>The keys whose timeout is strictly before <paramref name="thresholdMs"/>, earliest first.</summary>
    public List<(long TimeoutMs, byte[] Key)> Due(long thresholdMs) => _timers.TakeWhile(t => t.TimeoutMs < thresholdMs).ToList();

    private static int Compare((long, byte[]) a, (long, byte[]) b)
    {
        var byTime = a.Item1.CompareTo(b.Item1);
        return byTime != 0 ? byTime : a.Item2.AsSpan().SequenceCompareTo(b.Item2);
    }
}

/// <summary>
/// A key's stored GroupState: the JSON of the user's state and its timeout. The JSON is null for a key that keeps only
/// a timeout (Spark's state row with a null state object: set without <c>update</c>, or kept after <c>remove()</c>).
/// </summary>
internal readonly record struct GroupStateValue(byte[]? Json, long? TimeoutMs)
{
    public byte[] Encode() => RowCodec.Encode([Json, TimeoutMs]);

    public static GroupStateValue Decode(byte[] bytes)
    {
        var values = RowCodec.Decode(bytes);
        return new GroupStateValue((byte[]?)values[0], values[1] as long?);
    }
}
