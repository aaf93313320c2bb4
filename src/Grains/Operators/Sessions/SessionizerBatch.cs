using System.Buffers;
using System.Diagnostics;
using Sluice.Contracts;
using Sluice.Processing.BuiltIn;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Sessions;

/// <summary>
/// One batch of the built-in <see cref="Sessionizer"/> (flatMapGroupsWithState with an event-time timeout) in one key
/// group: the typed path of <see cref="GroupsWithStateBatch"/>. It takes rows as keyed records or as
/// <see cref="SessionPayload"/>s, folds each key's rows (in event-time order, ties in arrival order, as the processor
/// sorts them) into its session as the processor does, and times sessions out as the general path does: the same
/// output rows, the same stored bytes, the same timers. Sessions stay held between batches in <see cref="HotSessions"/>;
/// an event's id goes from the payload to the session's JSON tokens (<see cref="SessionIds"/>) without becoming a
/// string, and the batch's buffers are pooled, so a batch allocates per key, not per event.
/// </summary>
internal sealed class SessionizerBatch(SessionizerInput input, IStateStore store, HotSessions hot) : IStatefulBatch
{
    /// <summary>How many events apart <see cref="ApplyPartials"/>'s prefetch steps run (the first this times three ahead of the lookup).</summary>
    private const int PrefetchDistance = 4;

    private static readonly Comparison<(Event Event, int Arrival)> ByTime =
        static (a, b) => a.Event.Ticks != b.Event.Ticks ? a.Event.Ticks.CompareTo(b.Event.Ticks) : a.Arrival.CompareTo(b.Arrival);

    // The batch's events in arrival order, each key's chained through _next from its chain's first to last event, so a
    // key costs an entry in _keys and no list of its own; each event's id token is a slice of _ids. A key's entry also
    // has its held session, found when the key first comes, so the fold does not look it up again. The table is the
    // key group's, emptied and kept from batch to batch (its tens of thousands of entries are not allocated again).
    private readonly BatchKeys _keys = hot.TakeKeys();
    private readonly List<object?[]> _output = [];
    private Event[] _events = ArrayPool<Event>.Shared.Rent(256);
    private int[] _next = ArrayPool<int>.Shared.Rent(256);
    // A payload's rows while its keys are looked up: each row's key hash and where its key lies in the payload.
    private (int Hash, int KeyStart, int KeyLength)[] _pending = ArrayPool<(int, int, int)>.Shared.Rent(256);
    private byte[] _ids = ArrayPool<byte>.Shared.Rent(4096);
    private int _idBytes;
    private int _count;
    private (Event Event, int Arrival)[] _scratch = new (Event, int)[16];

    public long? NextProcessingTimerMs => null;

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, row) in records)
        {
            var e = input.EventOf(row);
            var at = Add(new Event(e.Ticks, e.Amount, AddId(e.Ticks, e.EventId, e.EventId is not null)));
            var hash = SlotIndex.Hash(key);
            var number = _keys.Find(key, hash);
            Link(ref _keys.ChainOf(number >= 0 ? number : _keys.Add(key, hash, hot.Find(key))), at);
        }
    }

    /// <summary>
    /// Adds the payload's rows to the batch's events, then finds each row's key by the hash the agent sent with it,
    /// bringing what a lookup reads into cache in steps (<see cref="BatchKeys.Prefetch"/>) <see cref="PrefetchDistance"/>
    /// rows apart.
    /// </summary>
    public void ApplyPartials(ReadOnlyMemory<byte> partials)
    {
        var payload = partials.Span;
        var first = _count;
        for (var offset = SessionPayload.FirstRow(payload); offset < payload.Length;)
        {
            var e = SessionPayload.Read(payload, ref offset, out var hash, out var key);
            var at = Add(new Event(e.Ticks, e.Amount, AddId(e.Ticks, e.EventId, e.HasEventId)));
            if (at - first == _pending.Length)
            {
                Grow(ref _pending, at - first);
            }
            _pending[at - first] = (hash, key.Start, key.Length);
        }
        var rows = _count - first;
        for (var row = -3 * PrefetchDistance; row < rows; row++)
        {
            for (var step = 0; step < 3; step++)
            {
                var ahead = row + ((3 - step) * PrefetchDistance);
                if ((uint)ahead < (uint)rows)
                {
                    _keys.Prefetch(_pending[ahead].Hash, step);
                }
            }
            if (row >= 0)
            {
                var (hash, start, length) = _pending[row];
                var key = payload.Slice(start, length);
                Debug.Assert(hash == SlotIndex.Hash(key), "the agent sent the key's slot hash");
                var number = _keys.Find(key, hash);
                if (number < 0)
                {
                    // A held session's key array serves as the batch's, so a key met again as bytes is not copied.
                    var held = hot.Find(key, out var heldKey);
                    number = _keys.Add(heldKey ?? key.ToArray(), hash, held);
                }
                Link(ref _keys.ChainOf(number), first + row);
            }
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        for (var number = 0; number < _keys.Count; number++)
        {
            var chain = _keys.ChainOf(number);
            Fold(_keys.KeyOf(number), chain.Held, Sorted(chain), watermarkMs);
        }
        // Due entries in the general path's order. A key with rows this batch has just been given a timeout at or after
        // the watermark, and an entry is taken only if due before it, so the key's timeout is not the entry's: any entry
        // of it taken here is superseded (its stored session, not held, is not read again to see it).
        while (hot.Timers.TryTakeDue(watermarkMs, out var due, out var key))
        {
            if ((hot.Find(key) ?? (_keys.Find(key, SlotIndex.Hash(key)) >= 0 ? null : Read(key))) is { } current && current.TimeoutMs == due)
            {
                TimeOut(key, current);
            }
        }
        ReturnBuffers();
        hot.ReturnKeys(_keys);
        return _output;
    }

    /// <summary>Writes the event's id token (the processor's id: the event id, or its epoch milliseconds) to the batch's ids.</summary>
    private (int Start, int Length) AddId(long ticks, ReadOnlySpan<char> eventId, bool hasEventId)
    {
        var start = _idBytes;
        // Room for the longest token first (each char escaped as \uXXXX, or 20 digits, and the quotes), so appending
        // never resizes the rented buffer behind the pool's back.
        if (_ids.Length - _idBytes < (eventId.Length * 6) + 24)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_ids.Length * 2, _idBytes + (eventId.Length * 6) + 24));
            _ids.AsSpan(0, _idBytes).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_ids);
            _ids = larger;
        }
        if (hasEventId)
        {
            SessionIds.AppendToken(ref _ids, ref _idBytes, eventId);
        }
        else
        {
            SessionIds.AppendToken(ref _ids, ref _idBytes, Sessionizer.MsOf(new DateTime(ticks)));
        }
        return (start, _idBytes - start);
    }

    /// <summary>Adds an event to the batch's, in no key's chain yet; returns its number.</summary>
    private int Add(Event e)
    {
        if (_count == _events.Length)
        {
            Grow(ref _events, _count);
            Grow(ref _next, _count);
        }
        (_events[_count], _next[_count]) = (e, -1);
        return _count++;
    }

    /// <summary>Appends event <paramref name="at"/> to a key's chain.</summary>
    private void Link(ref BatchKeys.Chain chain, int at)
    {
        if (chain.First < 0)
        {
            (chain.First, chain.Last) = (at, at);
        }
        else
        {
            _next[chain.Last] = at;
            chain.Last = at;
        }
    }

    private static void Grow<T>(ref T[] array, int count)
    {
        var larger = ArrayPool<T>.Shared.Rent(count * 2);
        array.AsSpan(0, count).CopyTo(larger);
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }

    private void ReturnBuffers()
    {
        ArrayPool<Event>.Shared.Return(_events);
        ArrayPool<int>.Shared.Return(_next);
        ArrayPool<byte>.Shared.Return(_ids);
        ArrayPool<(int, int, int)>.Shared.Return(_pending);
        (_events, _next, _ids, _pending, _count, _idBytes) = ([], [], [], [], 0, 0);
    }

    /// <summary>A key's events in event-time order, ties in arrival order (the processor's sort is stable); valid until the next call.</summary>
    private ReadOnlySpan<(Event Event, int Arrival)> Sorted(BatchKeys.Chain chain)
    {
        var n = 0;
        var ordered = true;
        for (var i = chain.First; i >= 0; i = _next[i])
        {
            if (n == _scratch.Length)
            {
                Array.Resize(ref _scratch, n * 2);
            }
            _scratch[n] = (_events[i], n);
            ordered &= n == 0 || _scratch[n - 1].Event.Ticks <= _events[i].Ticks;
            n++;
        }
        var events = _scratch.AsSpan(0, n);
        // A key's events mostly come in time order already (then the sort, stable by arrival, would keep them so).
        if (!ordered)
        {
            events.Sort(ByTime);
        }
        return events;
    }

    /// <summary>A call with rows: the processor updates the session and times it out a gap after its last event.</summary>
    private void Fold(byte[] key, HeldSession? held, ReadOnlySpan<(Event Event, int Arrival)> events, long watermarkMs)
    {
        var session = held ?? Read(key) ?? new HeldSession();
        foreach (var (e, _) in events)
        {
            session.Add(Sessionizer.MsOf(new DateTime(e.Ticks)), e.Amount, _ids.AsSpan(e.Id.Start, e.Id.Length));
        }
        var timeout = Sessionizer.TimeoutOf(session.LastMs, watermarkMs);
        var value = SessionJson.WriteValue(session, timeout, out var idsOffset);
        if (session.StoredLength >= 0 && session.StoredIdsLength > 0)
        {
            // The committed value has the ids the session had then, and the new value has them too, followed by the
            // new ones: the changelog writes what the batch added (a patch), not the ids again.
            store.Change(key, value, session.StoredLength, new KeptBytes(session.StoredIdsOffset, idsOffset, session.StoredIdsLength));
        }
        else
        {
            StateWrites.Write(store, key, value, session.StoredLength);
        }
        if (session.TimeoutMs != timeout)
        {
            hot.Timers.Add(timeout, key);
        }
        (session.TimeoutMs, session.StoredLength, session.StoredIdsOffset, session.StoredIdsLength) = (timeout, value.Length, idsOffset, session.Ids.Length);
        if (held is null)
        {
            hot.TryHold(key, session);
        }
    }

    /// <summary>A timeout without rows: the processor emits the session and removes it.</summary>
    private void TimeOut(byte[] key, HeldSession session)
    {
        _output.Add(session.Emit(RowCodec.Decode(key)));
        StateWrites.Write(store, key, null, session.StoredLength);
        hot.Drop(key);
    }

    /// <summary>A session not held: from the store, unless every stored session is held (then the key has none).</summary>
    private HeldSession? Read(byte[] key) => hot.HoldsAll || store.Get(key) is not { } bytes ? null : SessionJson.Read(bytes);

    /// <summary>One row of the batch: its event time, amount, and its id's token in the batch's ids.</summary>
    private readonly record struct Event(long Ticks, double Amount, (int Start, int Length) Id);
}
