using Sluice.State;

namespace Sluice.Operators.Sessions;

/// <summary>
/// What the built-in sessionizer keeps beside a key group's store between batches (its <see cref="OperatorCache"/>
/// value): the key group's pending timeouts (<see cref="SessionTimers"/>) and its open sessions
/// as <see cref="HeldSession"/>s, with their stored timeout and value length. For the keys it holds it equals the store's working version
/// after every batch (the batch writes each changed session to the store too, in the same bytes as the general path),
/// and the window grain drops it whenever that version is thrown away, so a batch folds rows into the held session
/// instead of reading and decoding it. Held sessions count against the silo's <see cref="StateCacheBudget"/>; sessions
/// beyond it are read from the store as the general path reads them.
/// </summary>
internal sealed class HotSessions : IDisposable
{
    /// <summary>The most keys the spare table of a batch's keys may have room for (about 10 MB).</summary>
    private const int MaxSpareKeys = 1 << 18;

    private readonly Dictionary<byte[], HeldSession> _sessions = new(ByteKeyComparer.Instance);
    private readonly StateCacheBudget _budget;
    private BatchKeys? _spareKeys;

    private HotSessions(StateCacheBudget budget) => _budget = budget;

    public SessionTimers Timers { get; } = new();

    /// <summary>Whether every session the store holds is held here, so a key not held has no state and need not be looked up.</summary>
    public bool HoldsAll { get; private set; } = true;

    public int Count => _sessions.Count;

    /// <summary>
    /// Reads the store once: every key's timeout into the timer index, and as many sessions as the budget takes. Values
    /// are those the general path writes (<see cref="GroupStateValue"/> over the session's JSON), so either path resumes the other's checkpoint.
    /// </summary>
    public static HotSessions Build(IStateStore store, StateCacheBudget budget)
    {
        var hot = new HotSessions(budget);
        foreach (var (key, value) in store.Iterate())
        {
            if (GroupStateValue.Decode(value).TimeoutMs is { } timeout)
            {
                hot.Timers.Add(timeout, key);
            }
            if (hot._budget.Available > 0)
            {
                hot.TryHold(key, SessionJson.Read(value));
            }
            else
            {
                hot.HoldsAll = false;
            }
        }
        return hot;
    }

    /// <summary>The held session of <paramref name="key"/>, or null.</summary>
    public HeldSession? Find(byte[] key) => _sessions.GetValueOrDefault(key);

    /// <summary>
    /// The held session of <paramref name="key"/> (or null) and its key array, so a batch that meets the key as bytes
    /// need not copy it.
    /// </summary>
    public HeldSession? Find(ReadOnlySpan<byte> key, out byte[]? heldKey)
    {
        if (_sessions.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out heldKey, out var session))
        {
            return session;
        }
        heldKey = null;
        return null;
    }

    /// <summary>Holds a session the store has (or just got), if the budget has room.</summary>
    public bool TryHold(byte[] key, HeldSession session)
    {
        if (!_budget.TryTake())
        {
            HoldsAll = false;
            return false;
        }
        _sessions.Add(key, session);
        return true;
    }

    /// <summary>The batch's table of its keys: the one the last batch returned, or a new one.</summary>
    public BatchKeys TakeKeys() => Interlocked.Exchange(ref _spareKeys, null) ?? new BatchKeys();

    /// <summary>
    /// Keeps a finished batch's table of keys, emptied (its room kept), for the next batch; one grown past
    /// <see cref="MaxSpareKeys"/> by an unusual batch is let go rather than held for good.
    /// </summary>
    public void ReturnKeys(BatchKeys keys)
    {
        if (keys.Capacity <= MaxSpareKeys)
        {
            keys.Clear();
            _spareKeys = keys;
        }
    }

    /// <summary>Stops holding a session whose state was removed.</summary>
    public void Drop(byte[] key)
    {
        if (_sessions.Remove(key))
        {
            _budget.Release(1);
        }
    }

    public void Dispose()
    {
        _budget.Release(_sessions.Count);
        _sessions.Clear();
        HoldsAll = false;
    }
}
