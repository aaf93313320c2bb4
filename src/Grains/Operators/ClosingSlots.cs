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
/// </summary>
internal sealed class ClosingSlots
{
    /// <summary>The closing time of a slot that never closes (or whose time is not known).</summary>
    public const long Never = long.MinValue;

    private readonly Dictionary<long, List<int>> _byTime = [];
    private readonly HashSet<long> _partial = [];
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
                _byTime[time] = slots = [];
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
        _byTime.Remove(time);
        if (time == _lastTime)
        {
            _last = null;
        }
    }

    /// <summary>
    /// Takes the slots closing at <paramref name="time"/> when the hot state holds every group of it; null when it does
    /// not (the caller scans the store for them). The time is forgotten either way.
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
}
