namespace Sluice.Operators;

/// <summary>
/// The held slots of a <see cref="TypedHotGroups"/> per closing time, so a closing time whose every group the hot state
/// holds closes from its slots: no prefix scan of the store (overlay merge and RocksDB iterator) and no lookup per key.
/// <para>
/// A time is whole while no group of it is in the state without being held. It stops being whole (for good, until it
/// closes) when a group of it finds no room, when the budget drops one of its groups, or when the state was restored:
/// the owner marks every time the store held when the cache was built. A time that is not whole closes by the store
/// scan as before (<see cref="ClosingGroups.TakeDueGroups"/>). A held slot stays in its time's list until the time
/// closes, since a held slot leaves the hot state only by closing or by the budget (which marks its time).
/// </para>
/// <para>
/// A closed time's list comes back once its slots are removed (<see cref="Return"/>) and serves a later new time: a
/// list grows to its time's groups, and grown afresh for every window it was a steady allocation of every batch (W1
/// opens and closes about eight 5-minute windows a batch, each of about 2,000 groups per key group). Up to
/// <see cref="MaxSpares"/> lists of at most <see cref="MaxSpareCapacity"/> slots are kept (a key group keeps at most
/// 1 MB): a larger window's list is let go, its growth small beside the work of its groups.
/// </para>
/// </summary>
internal sealed class ClosingSlots
{
    /// <summary>The closing time of a slot that never closes (or whose time is not known).</summary>
    public const long Never = long.MinValue;

    private const int MaxSpares = 16;

    private const int MaxSpareCapacity = 1 << 14;

    private readonly Dictionary<long, List<int>> _byTime = [];
    private readonly HashSet<long> _partial = [];
    private readonly Stack<List<int>> _spare = new();
    // The last time added to: a batch holds its new groups a window at a time.
    private long _lastTime = Never;
    private List<int>? _last;

    /// <summary>Adds a slot the hot state now holds, closing at <paramref name="time"/>.</summary>
    public void Add(long time, int slot)
    {
        if (time == Never)
        {
            return;
        }
        if (time != _lastTime || _last is null)
        {
            if (_partial.Contains(time))
            {
                return;
            }
            if (!_byTime.TryGetValue(time, out var slots))
            {
                _byTime[time] = slots = _spare.Count > 0 ? _spare.Pop() : [];
            }
            (_lastTime, _last) = (time, slots);
        }
        _last.Add(slot);
    }

    /// <summary>A group closing at <paramref name="time"/> is in the state but not held: the time closes by the store scan.</summary>
    public void MarkPartial(long time)
    {
        if (time == Never)
        {
            return;
        }
        _partial.Add(time);
        if (_byTime.Remove(time, out var slots))
        {
            Return(slots);
        }
        if (time == _lastTime)
        {
            _last = null;
        }
    }

    /// <summary>
    /// Takes the slots closing at <paramref name="time"/> when the hot state holds every group of it; null when it does
    /// not (the caller scans the store for them). The time is forgotten either way. Give the list back with
    /// <see cref="Return"/> once its slots are removed.
    /// </summary>
    public List<int>? Take(long time)
    {
        if (time == _lastTime)
        {
            _last = null;
        }
        var partial = _partial.Remove(time);
        return _byTime.Remove(time, out var slots) && !partial ? slots : null;
    }

    /// <summary>Keeps a list <see cref="Take"/> gave, which its taker no longer reads, for a later time's slots (emptied).</summary>
    public void Return(List<int> slots)
    {
        if (_spare.Count < MaxSpares && slots.Capacity <= MaxSpareCapacity)
        {
            slots.Clear();
            _spare.Push(slots);
        }
    }
}
