namespace Sluice.Operators.Sessions;

/// <summary>
/// A key group's pending session timeouts, earliest first (ties in key byte order, as <see cref="TimerIndex"/> orders
/// them). A session's timeout moves on with almost every batch, so instead of a tree node removed and added per key
/// per batch (<see cref="TimerIndex"/>) this is a heap whose superseded entries are left in place: a batch adds an entry
/// only when a timeout changes, and an entry taken as due counts only if it is still the key's timeout
/// (<see cref="SessionizerBatch"/> checks). Every stored session's timeout has an entry, so none is missed.
/// </summary>
internal sealed class SessionTimers
{
    private static readonly Comparer<(long TimeoutMs, byte[] Key)> Order = Comparer<(long TimeoutMs, byte[] Key)>.Create(static (a, b) =>
        a.TimeoutMs != b.TimeoutMs ? a.TimeoutMs.CompareTo(b.TimeoutMs) : a.Key.AsSpan().SequenceCompareTo(b.Key));

    private readonly PriorityQueue<byte[], (long TimeoutMs, byte[] Key)> _heap = new(Order);

    /// <summary>Entries, superseded ones included.</summary>
    public int Count => _heap.Count;

    public void Add(long timeoutMs, byte[] key) => _heap.Enqueue(key, (timeoutMs, key));

    /// <summary>Takes the earliest entry strictly before <paramref name="thresholdMs"/>, if any (it may be superseded).</summary>
    public bool TryTakeDue(long thresholdMs, out long timeoutMs, out byte[] key)
    {
        if (_heap.TryPeek(out key!, out var entry) && entry.TimeoutMs < thresholdMs)
        {
            _heap.Dequeue();
            timeoutMs = entry.TimeoutMs;
            return true;
        }
        timeoutMs = 0;
        return false;
    }
}
