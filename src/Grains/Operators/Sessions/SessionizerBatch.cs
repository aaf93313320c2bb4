using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sluice.Contracts;
using Sluice.Processing.BuiltIn;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Sessions;

/// <summary>
/// One batch of the built-in <see cref="Sessionizer"/> (flatMapGroupsWithState with an event-time timeout) in one key
/// group: the typed path of <see cref="GroupsWithStateBatch"/>. It takes rows as keyed records or as
/// <see cref="SessionPayload"/>s, folds each key's rows (in event-time order, ties in arrival order, as the processor
/// sorts them) into its session through the processor's own methods, and times sessions out as the general path does:
/// the same output rows, the same stored bytes, the same timers. Sessions stay decoded between batches in
/// <see cref="HotSessions"/>.
/// </summary>
internal sealed class SessionizerBatch(SessionizerInput input, IStateStore store, HotSessions hot) : IStatefulBatch
{
    private static readonly Comparison<(SessionEvent Event, int Arrival)> ByTime =
        static (a, b) => a.Event.Ticks != b.Event.Ticks ? a.Event.Ticks.CompareTo(b.Event.Ticks) : a.Arrival.CompareTo(b.Arrival);

    // The batch's events in arrival order, each key's chained through _next from its chain's first to last event, so a
    // key costs a dictionary entry and no list of its own.
    private readonly Dictionary<byte[], (int First, int Last)> _keys = new(ByteKeyComparer.Instance);
    private readonly List<object?[]> _output = [];
    private SessionEvent[] _events = new SessionEvent[256];
    private int[] _next = new int[256];
    private int _count;
    private (SessionEvent Event, int Arrival)[] _scratch = new (SessionEvent, int)[16];

    public long? NextProcessingTimerMs => null;

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, row) in records)
        {
            Add(ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out var exists), exists, input.EventOf(row));
        }
    }

    public void ApplyPartials(ReadOnlyMemory<byte> partials)
    {
        var lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        var payload = partials.Span;
        for (var offset = 0; offset < payload.Length;)
        {
            var e = SessionPayload.Read(payload, ref offset, out var key);
            ref var chain = ref CollectionsMarshal.GetValueRefOrNullRef(lookup, key);
            if (Unsafe.IsNullRef(ref chain))
            {
                Add(ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, hot.KeyOf(key) ?? key.ToArray(), out _), false, e);
            }
            else
            {
                Add(ref chain, true, e);
            }
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        foreach (var (key, chain) in _keys)
        {
            Fold(key, Sorted(chain), watermarkMs);
        }
        // Due entries in the general path's order; a key with rows this batch has just been given a timeout at or
        // after the watermark, so any entry of it taken here is superseded.
        while (hot.Timers.TryTakeDue(watermarkMs, out var due, out var key))
        {
            if (!_keys.ContainsKey(key) && Current(key) is { } current && current.TimeoutMs == due)
            {
                TimeOut(key, current);
            }
        }
        return _output;
    }

    private void Add(ref (int First, int Last) chain, bool exists, SessionEvent e)
    {
        if (_count == _events.Length)
        {
            Array.Resize(ref _events, _count * 2);
            Array.Resize(ref _next, _count * 2);
        }
        (_events[_count], _next[_count]) = (e, -1);
        if (exists)
        {
            _next[chain.Last] = _count;
            chain.Last = _count;
        }
        else
        {
            chain = (_count, _count);
        }
        _count++;
    }

    /// <summary>A key's events in event-time order, ties in arrival order (the processor's sort is stable); valid until the next call.</summary>
    private ReadOnlySpan<(SessionEvent Event, int Arrival)> Sorted((int First, int Last) chain)
    {
        var n = 0;
        for (var i = chain.First; i >= 0; i = _next[i])
        {
            if (n == _scratch.Length)
            {
                Array.Resize(ref _scratch, n * 2);
            }
            _scratch[n] = (_events[i], n);
            n++;
        }
        var events = _scratch.AsSpan(0, n);
        events.Sort(ByTime);
        return events;
    }

    /// <summary>A call with rows: the processor updates the session and times it out a gap after its last event.</summary>
    private void Fold(byte[] key, ReadOnlySpan<(SessionEvent Event, int Arrival)> events, long watermarkMs)
    {
        ref var held = ref hot.Find(key);
        var isHeld = !Unsafe.IsNullRef(ref held);
        var (session, oldTimeout, storedLength) = isHeld ? (held.Session, held.TimeoutMs, held.StoredLength) : Read(key) ?? (new Sessionizer.Session(), null, -1);
        foreach (var (e, _) in events)
        {
            e.AddTo(session);
        }
        var timeout = Sessionizer.TimeoutOf(session, watermarkMs);
        var value = new GroupStateValue(SessionJson.Write(session), timeout).Encode();
        StateWrites.Write(store, key, value, storedLength);
        if (oldTimeout != timeout)
        {
            hot.Timers.Add(timeout, key);
        }
        if (isHeld)
        {
            (held.TimeoutMs, held.StoredLength) = (timeout, value.Length);
        }
        else
        {
            hot.TryHold(key, session, timeout, value.Length);
        }
    }

    /// <summary>A timeout without rows: the processor emits the session and removes it.</summary>
    private void TimeOut(byte[] key, (Sessionizer.Session Session, long? TimeoutMs, int StoredLength) current)
    {
        _output.Add(Sessionizer.Emit(RowCodec.Decode(key), current.Session));
        StateWrites.Write(store, key, null, current.StoredLength);
        hot.Drop(key);
    }

    /// <summary>The key's session, held or stored (null: none).</summary>
    private (Sessionizer.Session Session, long? TimeoutMs, int StoredLength)? Current(byte[] key)
    {
        ref var held = ref hot.Find(key);
        return Unsafe.IsNullRef(ref held) ? Read(key) : (held.Session, held.TimeoutMs, held.StoredLength);
    }

    /// <summary>A session not held: from the store, unless every stored session is held (then the key has none).</summary>
    private (Sessionizer.Session Session, long? TimeoutMs, int StoredLength)? Read(byte[] key)
    {
        if (hot.HoldsAll || store.Get(key) is not { } bytes)
        {
            return null;
        }
        var stored = GroupStateValue.Decode(bytes);
        return (HotSessions.Decode(stored.Json), stored.TimeoutMs, bytes.Length);
    }
}
