using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sluice.Operators.Aggregation;

namespace Sluice.Operators;

/// <summary>
/// <see cref="HotGroups"/> for an aggregation whose every aggregate has a <see cref="TypedAccumulator"/>: each group
/// is a dense slot number, found by its encoded key (the store key, one array per group) in a <see cref="SlotIndex"/>, and its state lives in the
/// accumulators' typed arrays at that slot, with its key values decoded once when it is first held. No buffer per
/// group and no boxes: a batch merges agents' payloads straight into typed arrays and encodes each changed slot once.
/// <para>
/// A batch's partials go to a second set of accumulators indexed by the order in which the batch first touched each
/// group (its ordinal), merged in arrival order, and <see cref="MergeBatch"/> folds them into the state at
/// <c>Finish</c>: the state plus the merged partials, as the object path adds them (double sums depend on the order).
/// A key the batch touches that is not held gets a slot for the batch only (the batch loads its stored value into it);
/// <see cref="EndBatch"/> frees it unless the budget took it. Held slots count against the silo's
/// <see cref="StateCacheBudget"/> with the same rules as <see cref="HotGroups"/> (<see cref="Admit"/>, <see cref="HoldsAll"/>).
/// </para>
/// Held slots are also kept per closing time (<see cref="ClosingSlots"/>), so a closing time held whole closes from
/// its slots instead of a store scan.
/// The window grain drops this with the <see cref="OperatorCache"/> whenever the store's working version is thrown away
/// (a batch cut short, an error, a new run, the store reopened), so it mirrors the committed state between batches.
/// </summary>
internal sealed class TypedHotGroups : IDisposable
{
    private readonly StateCacheBudget _budget;
    private readonly AggregateSet _aggregates;
    private readonly SlotIndex _index = new();
    private readonly TypedAccumulator[] _state;
    private readonly TypedAccumulator[] _batch;
    private readonly TypedAccumulator[] _incoming;
    private readonly List<int> _changed = [];
    private readonly Stack<int> _free = new();
    private readonly ClosingSlots _closing = new();
    private object?[]?[] _keyValues = [];
    private object?[] _keyLeads = [];
    private object?[] _keyRests = [];
    private int[] _lastUsed = [];
    private int[] _ordinal = [];
    private int[] _storedLength = [];
    private long[] _closesAt = [];
    private bool[] _held = [];
    private int _used;
    private int _batchCapacity;
    private int _batchNumber;

    public TypedHotGroups(AggregateSet aggregates, StateCacheBudget budget, bool holdsAll)
    {
        _aggregates = aggregates;
        _budget = budget;
        HoldsAll = holdsAll;
        _state = Accumulators(aggregates);
        _batch = Accumulators(aggregates);
        _incoming = Accumulators(aggregates);
        foreach (var accumulator in _incoming)
        {
            accumulator.Grow(1);
        }
        Partials = new PartialAggregates(aggregates);
    }

    /// <summary>Whether every aggregate of <paramref name="aggregates"/> has a typed accumulator, so its groups can be held here.</summary>
    public static bool Supports(AggregateSet aggregates) => aggregates.Aggregates.All(a => TypedAccumulator.TryCreate(a) is not null);

    /// <summary>The payload reader of this key group, reused from batch to batch.</summary>
    public PartialAggregates Partials { get; }

    /// <summary>
    /// The groups a batch holds after its close (<see cref="TypedAggregationBatch"/>), by closing time: this key group's
    /// list, reused from batch to batch (a batch's own grew to every group it settled of an open window, each batch).
    /// </summary>
    public List<(long ClosesAt, int Slot, bool Existed)> HeldAfterCloseScratch { get; } = [];

    /// <summary>Sorts a closing window's slots by key bytes for append mode's rows: this key group's, reused from batch to batch.</summary>
    public SlotKeyOrder KeyOrder { get; } = new();

    /// <summary>Groups held (counted against the budget).</summary>
    public int Count { get; private set; }

    /// <inheritdoc cref="HotGroups.HoldsAll"/>
    public bool HoldsAll { get; private set; }

    /// <inheritdoc cref="HotGroups.HasRoom"/>
    public bool HasRoom => _budget.Available > 0;

    /// <summary>The slots the batch touched, by ordinal (first touch first).</summary>
    public ReadOnlySpan<int> Changed => CollectionsMarshal.AsSpan(_changed);

    /// <summary>Starts a batch: no slot touched, the batch's partials empty.</summary>
    public void BeginBatch()
    {
        foreach (var accumulator in _batch)
        {
            accumulator.Reset(_changed.Count);
        }
        _changed.Clear();
        _batchNumber++;
    }

    /// <summary>
    /// The batch ordinal of <paramref name="key"/>'s group, whose <see cref="SlotIndex.Hash"/> came with it (a payload's);
    /// a key not held gets a slot for the batch.
    /// </summary>
    public int Touch(ReadOnlySpan<byte> key, int hash)
    {
        var slot = _index.Find(key, hash);
        return Touch(slot >= 0 ? slot : Add(key.ToArray(), hash));
    }

    /// <summary>
    /// Brings into cache what touching a key soon will read, in three steps each called a few keys before the next
    /// (see <see cref="SlotIndex.PrefetchBucket"/>): <paramref name="step"/> 0 its bucket, 1 its slot's entries here, 2 its key's bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash, int step)
    {
        if (step == 0)
        {
            _index.PrefetchBucket(hash);
        }
        else if (step == 2)
        {
            _index.PrefetchKeyBytes(hash);
        }
        else if (_index.PrefetchKeyOf(hash) is var slot and >= 0)
        {
            CacheHint.Prefetch(ref _ordinal[slot]);
            CacheHint.Prefetch(ref _lastUsed[slot]);
        }
    }

    /// <summary>The batch ordinal of <paramref name="key"/>'s group (a record's); a key not held gets a slot for the batch.</summary>
    public int Touch(byte[] key)
    {
        var hash = SlotIndex.Hash(key);
        var slot = _index.Find(key, hash);
        return Touch(slot >= 0 ? slot : Add(key, hash));
    }

    /// <summary>Merges the open payload's groups into the batch's partials; group i goes to ordinal <c>ordinals[i]</c>.</summary>
    public void MergePartials(PartialAggregates payload, ReadOnlySpan<int> ordinals)
    {
        for (var a = 0; a < _batch.Length; a++)
        {
            _batch[a].Merge(payload.AccumulatorOf(a), ordinals);
        }
    }

    /// <summary>Merges a row path's partial buffer (an agent that sent records) into the batch's partials at <paramref name="ordinal"/>.</summary>
    public void MergeBuffer(object?[] buffer, int ordinal)
    {
        if (buffer.Length != _aggregates.BufferSize)
        {
            throw new ArgumentException($"an aggregation buffer has {buffer.Length} slots but this query's aggregates use {_aggregates.BufferSize}", nameof(buffer));
        }
        for (var a = 0; a < _batch.Length; a++)
        {
            _incoming[a].Read(buffer, _aggregates.OffsetOf(a), 0);
            _batch[a].Merge(_incoming[a], new ReadOnlySpan<int>(in ordinal));
        }
    }

    /// <summary>Sets a slot not held to its stored value (a decoded buffer), or empties it for a group new to the state.</summary>
    public void Load(int slot, object?[]? stored)
    {
        for (var a = 0; a < _state.Length; a++)
        {
            if (stored is null)
            {
                _state[a].Clear(slot);
            }
            else
            {
                _state[a].Read(stored, _aggregates.OffsetOf(a), slot);
            }
        }
    }

    /// <summary>Folds the batch's partials into the state of every slot it touched.</summary>
    public void MergeBatch()
    {
        for (var a = 0; a < _state.Length; a++)
        {
            _state[a].Merge(_batch[a], Changed);
        }
    }

    /// <summary>Appends the slot's state as <c>RowCodec.Encode</c> of its object buffer would.</summary>
    public void Encode(int slot, IBufferWriter<byte> writer)
    {
        foreach (var accumulator in _state)
        {
            accumulator.Encode(slot, writer);
        }
    }

    /// <summary>Writes the slot's results into <paramref name="row"/> from <paramref name="start"/>.</summary>
    public void EvaluateInto(int slot, object?[] row, int start)
    {
        for (var a = 0; a < _state.Length; a++)
        {
            row[start + a] = _state[a].Evaluate(slot);
        }
    }

    /// <summary>Writes the slot's results into row <paramref name="row"/> of <paramref name="columns"/>, from column <paramref name="start"/>.</summary>
    public void EvaluateInto(int slot, object?[][] columns, int start, int row)
    {
        for (var a = 0; a < _state.Length; a++)
        {
            columns[start + a][row] = _state[a].Evaluate(slot);
        }
    }

    public byte[] KeyOf(int slot) => _index.KeyOf(slot);

    public bool IsHeld(int slot) => _held[slot];

    /// <summary>
    /// The slot's decoded key values (null while a slot not held has not needed them); where the batch holds the first
    /// apart (<see cref="KeyLead"/>), the values after it.
    /// </summary>
    public ref object?[]? KeyValues(int slot) => ref _keyValues[slot];

    /// <summary>
    /// The slot's first key value, where the batch holds it apart from <see cref="KeyValues"/>: a window shared by its
    /// groups, so a group's own decoded values are only the rest of its key (one array per group, not two).
    /// </summary>
    public ref object? KeyLead(int slot) => ref _keyLeads[slot];

    /// <summary>The slot's one key value after <see cref="KeyLead"/>, where the batch holds it without an array.</summary>
    public ref object? KeyRest(int slot) => ref _keyRests[slot];

    /// <summary>
    /// The slot's committed length, as <see cref="HotGroups.Entry.StoredLength"/>; for a slot the batch loads and does
    /// not hold yet, the length the load found (-1: none).
    /// </summary>
    public ref int StoredLength(int slot) => ref _storedLength[slot];

    /// <summary>When the slot's group closes (<see cref="ClosingSlots.Never"/>: never, or not known); set before it is held.</summary>
    public ref long ClosesAt(int slot) => ref _closesAt[slot];

    /// <summary>A group closing at <paramref name="time"/> is in the state but not held here (see <see cref="ClosingSlots"/>).</summary>
    public void NotWhole(long time) => _closing.MarkPartial(time);

    /// <inheritdoc cref="ClosingSlots.Take"/>
    public List<int>? TakeClosing(long time) => _closing.Take(time);

    /// <inheritdoc cref="ClosingSlots.Return"/>
    public void ReturnClosing(List<int> slots) => _closing.Return(slots);

    /// <summary>The held slot of <paramref name="key"/>, without marking it used.</summary>
    public bool TryFind(byte[] key, out int slot)
    {
        slot = _index.Find(key, SlotIndex.Hash(key));
        return slot >= 0 && _held[slot];
    }

    /// <summary>Holds a slot the batch loaded, if the budget has room (as <see cref="HotGroups.TryAdd"/>).</summary>
    public bool TryHold(int slot, int storedLength)
    {
        if (!_budget.TryTake())
        {
            HoldsAll = false;
            _closing.MarkPartial(_closesAt[slot]);
            return false;
        }
        (_held[slot], _storedLength[slot]) = (true, storedLength);
        _closing.Add(_closesAt[slot], slot);
        Count++;
        return true;
    }

    /// <inheritdoc cref="HotGroups.NotHeld"/>
    public void NotHeld(int slot)
    {
        HoldsAll = false;
        _closing.MarkPartial(_closesAt[slot]);
    }

    /// <summary>
    /// Holds slots the batch read from the store but had no room for, making room by dropping held groups the batch
    /// did not touch, as <see cref="HotGroups.Admit"/>: first those the previous batch did not use either, then any.
    /// </summary>
    public void Admit(List<int> reread)
    {
        var excess = reread.Count - _budget.Available;
        for (var pass = 0; pass < 2 && excess > 0; pass++)
        {
            var usedSince = pass == 0 ? _batchNumber - 1 : _batchNumber;
            for (var slot = 0; slot < _used; slot++)
            {
                if (_held[slot] && _lastUsed[slot] < usedSince)
                {
                    HoldsAll = false;
                    _closing.MarkPartial(_closesAt[slot]);
                    Drop(slot);
                    if (--excess == 0)
                    {
                        break;
                    }
                }
            }
        }
        foreach (var slot in reread)
        {
            if (!TryHold(slot, State.SortedEntries.Entry.UnknownLength))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Ends the batch's writes: frees the slots it touched that are not held. A touched slot the batch's close removed
    /// (<see cref="Remove"/>, before this) is free already: its ordinal is gone, and no slot is added while a batch finishes.
    /// </summary>
    public void EndBatch()
    {
        foreach (var slot in Changed)
        {
            if (!_held[slot] && _ordinal[slot] >= 0)
            {
                Free(slot);
            }
        }
    }

    /// <summary>Drops a held group (closed by the watermark).</summary>
    public void Remove(int slot) => Drop(slot);

    public void Dispose()
    {
        _budget.Release(Count);
        Count = 0;
        _index.Clear();
    }

    private void Drop(int slot)
    {
        _budget.Release(1);
        Count--;
        Free(slot);
    }

    private int Touch(int slot)
    {
        _lastUsed[slot] = _batchNumber;
        if (_changed.Count > 0 && (uint)_ordinal[slot] < (uint)_changed.Count && _changed[_ordinal[slot]] == slot)
        {
            return _ordinal[slot];
        }
        var ordinal = _changed.Count;
        _changed.Add(slot);
        _ordinal[slot] = ordinal;
        if (ordinal >= _batchCapacity)
        {
            _batchCapacity = Math.Max(256, _batchCapacity * 2);
            foreach (var accumulator in _batch)
            {
                accumulator.Grow(_batchCapacity);
            }
        }
        return ordinal;
    }

    private int Add(byte[] key, int hash)
    {
        var slot = _free.Count > 0 ? _free.Pop() : _used++;
        if (slot >= _keyValues.Length)
        {
            var capacity = Math.Max(256, _keyValues.Length * 2);
            Array.Resize(ref _keyValues, capacity);
            Array.Resize(ref _keyLeads, capacity);
            Array.Resize(ref _keyRests, capacity);
            Array.Resize(ref _lastUsed, capacity);
            Array.Resize(ref _ordinal, capacity);
            Array.Resize(ref _storedLength, capacity);
            Array.Resize(ref _closesAt, capacity);
            Array.Resize(ref _held, capacity);
            foreach (var accumulator in _state)
            {
                accumulator.Grow(capacity);
            }
        }
        (_keyValues[slot], _keyLeads[slot], _keyRests[slot], _held[slot], _ordinal[slot], _closesAt[slot]) = (null, null, null, false, -1, ClosingSlots.Never);
        _index.Add(key, hash, slot);
        return slot;
    }

    private void Free(int slot)
    {
        _index.Remove(slot);
        (_keyValues[slot], _keyLeads[slot], _keyRests[slot], _held[slot], _ordinal[slot]) = (null, null, null, false, -1);
        _free.Push(slot);
    }

    private static TypedAccumulator[] Accumulators(AggregateSet aggregates) =>
        [.. aggregates.Aggregates.Select(a => TypedAccumulator.TryCreate(a) ?? throw new InvalidOperationException($"the aggregate {a.Name} has no typed accumulator"))];
}
