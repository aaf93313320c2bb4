using System.Buffers;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Sources.Parsing;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// One key group's batch of an aggregation whose hot state is typed (<see cref="TypedHotGroups"/>): the same output
/// rows, in the same order, and the same stored bytes as the object path's batch in <see cref="AggregationOperator"/>.
/// Agents' payloads and records are merged into the table's batch partials as they arrive; <see cref="Finish"/> loads
/// the groups not held from the store (once each), folds the partials into the state and writes each changed group.
/// <para>
/// Merging into hot state before <see cref="Finish"/> is safe because nothing of it outlives an aborted batch: the
/// window grain drops the whole <see cref="OperatorCache"/> with the store's working version on every batch cut short
/// or failed (a new attempt, an error in apply or finish, a new run, the store reopened).
/// </para>
/// </summary>
internal sealed class TypedAggregationBatch : IStatefulBatch
{
    /// <summary>How many keys apart <see cref="ApplyPartials"/>'s prefetch steps run (the first this times three ahead of the lookup).</summary>
    private const int PrefetchDistance = 4;

    /// <summary>
    /// A slot's <see cref="TypedHotGroups.KeyValues"/> when its key after the window is one value, held in
    /// <see cref="TypedHotGroups.KeyRest"/> instead of an array of its own (a window and one key: W1, W2, q5's count).
    /// </summary>
    private static readonly object?[] OneRest = new object?[0];

    private readonly AggregationOperator _op;
    private readonly IStateStore _store;
    private readonly TypedHotGroups _hot;
    private readonly ClosingGroups? _closing;
    // By prefix, a group's first key value (its window) is held apart from the rest (TypedHotGroups.KeyLead).
    private readonly bool _split;
    private readonly SharedWindow _window;
    private readonly ArrayBufferWriter<byte> _value = new(64);
    private readonly List<int> _reread = [];
    // The string cache pairs of the keys LoadNotHeld prefetches for, by position among the changed slots (a ring of two distances).
    private readonly int[] _pairs = new int[2 * PrefetchDistance];
    private readonly List<object?> _rest = [];
    private int[] _ordinals = [];
    private WindowOfKeys _lastWindow;
    private byte[]? _lastAdded;
    private Func<int, byte[]>? _keyOf;

    public TypedAggregationBatch(AggregationOperator op, IStateStore store, TypedHotGroups hot, ClosingGroups? closing)
    {
        (_op, _store, _hot, _closing) = (op, store, hot, closing);
        _split = closing is { ByPrefix: true };
        _window = new SharedWindow(op.EvictionKey);
        hot.BeginBatch();
    }

    public long? NextProcessingTimerMs => null;

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var record in records)
        {
            _hot.MergeBuffer(record.Value, _hot.Touch(record.Key));
        }
    }

    /// <summary>
    /// Numbers the payload's keys by the batch's ordinals, then merges each aggregate's lanes in one pass. Each key is
    /// found by the hash it came with, and what finding a key reads is prefetched in steps
    /// (<see cref="TypedHotGroups.Prefetch"/>) <see cref="PrefetchDistance"/> keys apart.
    /// </summary>
    public void ApplyPartials(ReadOnlyMemory<byte> partials)
    {
        var reader = _hot.Partials;
        var count = reader.Open(partials);
        if (_ordinals.Length < count)
        {
            _ordinals = new int[Math.Max(count, _ordinals.Length * 2)];
        }
        var hashes = reader.Hashes;
        for (var group = -3 * PrefetchDistance; group < count; group++)
        {
            for (var step = 0; step < 3; step++)
            {
                var ahead = group + ((3 - step) * PrefetchDistance);
                if ((uint)ahead < (uint)count)
                {
                    _hot.Prefetch(hashes[ahead], step);
                }
            }
            if (group >= 0)
            {
                _ordinals[group] = _hot.Touch(reader.NextKey(), hashes[group]);
            }
        }
        reader.Close();
        _hot.MergePartials(reader, _ordinals.AsSpan(0, count));
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs) => Run(watermarkMs, columns: null);

    /// <summary>
    /// In update mode, <see cref="Finish"/> with its output (the changed groups) as columns filled straight from the
    /// slots: no row per group. Null in the other modes, having done nothing (the caller finishes with rows).
    /// </summary>
    public ColumnRows? FinishColumns(long watermarkMs, long batchTimestampMs, StreamSchema schema)
    {
        if (_op.Mode != OutputMode.Update)
        {
            return null;
        }
        var count = _hot.Changed.Length;
        var columns = new object?[schema.Count][];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = count == 0 ? [] : new object?[count];
        }
        Run(watermarkMs, columns);
        return new ColumnRows(schema, columns, count);
    }

    /// <summary>The batch's work; update mode's rows go to <paramref name="columns"/> when given (row i: the i-th changed group).</summary>
    private List<object?[]> Run(long watermarkMs, object?[][]? columns)
    {
        var update = _op.Mode == OutputMode.Update;
        var changed = _hot.Changed;
        var output = new List<object?[]>(update && columns is null ? changed.Length : 0);
        var row = 0;
        LoadNotHeld(changed);
        _hot.MergeBatch();
        // Groups of windows still open after this batch's close are held only once the close has freed its groups' room.
        long? threshold = _closing is null || _op.Mode == OutputMode.Complete ? null : watermarkMs == long.MaxValue ? long.MaxValue : watermarkMs + 1;
        var holdAfterClose = _hot.HeldAfterCloseScratch;
        // Left over only by a batch that threw before its close.
        holdAfterClose.Clear();
        foreach (var slot in changed)
        {
            var key = _hot.KeyOf(slot);
            var value = Encode(slot);
            if (_hot.IsHeld(slot))
            {
                StateWrites.Write(_store, key, value, _hot.StoredLength(slot));
                // What the store holds once this batch commits (an aborted batch drops the hot state).
                _hot.StoredLength(slot) = value.Length;
            }
            else
            {
                Settle(slot, key, value, holdAfterClose: threshold is { } t && _hot.ClosesAt(slot) is var time and not ClosingSlots.Never && time >= t);
            }
            if (columns is not null)
            {
                SetRow(slot, columns, row++);
            }
            else if (update)
            {
                output.Add(Row(slot));
            }
        }
        if (_op.Mode == OutputMode.Complete)
        {
            EndBatch();
            foreach (var (key, value) in _store.Iterate())
            {
                output.Add(_hot.TryFind(key, out var slot) ? Row(slot) : _op.Row(RowCodec.Decode(key), RowCodec.Decode(value)));
            }
            return output;
        }
        if (threshold is { } closeBefore)
        {
            Evict(closeBefore, output);
            // A group read back from the store that found no room, of a window this close removed, is not held
            // afterwards: its state is gone, and held it would take budget from live groups for good.
            _reread.RemoveAll(slot => _hot.ClosesAt(slot) is var time && time != ClosingSlots.Never && time < closeBefore);
        }
        // Soonest-closing windows first: when the budget runs out, the windows left partly held (closing by the store
        // scan) are the latest, not every window whose groups the batch touched after that point.
        if (holdAfterClose.Count > 0)
        {
            holdAfterClose.Sort(static (a, b) => a.ClosesAt != b.ClosesAt ? a.ClosesAt.CompareTo(b.ClosesAt) : a.Slot.CompareTo(b.Slot));
            foreach (var (_, slot, existed) in holdAfterClose)
            {
                Hold(slot, _hot.StoredLength(slot), existed);
            }
            holdAfterClose.Clear();
        }
        EndBatch();
        return output;
    }

    /// <summary>Holds the groups read back from the store that found no room (making room for them), then frees the batch's slots not held.</summary>
    private void EndBatch()
    {
        if (_reread.Count > 0)
        {
            _hot.Admit(_reread);
        }
        _hot.EndBatch();
    }

    /// <summary>
    /// <see cref="Load"/>s the slots not held, with what decoding a key's string reads prefetched in steps
    /// <see cref="PrefetchDistance"/> keys apart: its pair of slots in <see cref="Utf8StringCache.StoredKeys"/>, then the
    /// strings they hold (a table of 2 MB and strings all over the heap, read once per key in random order).
    /// </summary>
    private void LoadNotHeld(ReadOnlySpan<int> changed)
    {
        // Over the changed slots (a list of the ones not held would be one more array per batch: this object is the batch's).
        var strings = Utf8StringCache.StoredKeys;
        for (var i = -2 * PrefetchDistance; i < changed.Length; i++)
        {
            if (i + (2 * PrefetchDistance) is var first && first < changed.Length)
            {
                var pair = _pairs[first % _pairs.Length] = _hot.IsHeld(changed[first]) ? -1 : PairOfKeyString(changed[first]);
                strings.Prefetch(pair, step: 0);
            }
            if (i + PrefetchDistance is var second && second >= 0 && second < changed.Length)
            {
                strings.Prefetch(_pairs[second % _pairs.Length], step: 1);
            }
            if (i >= 0 && !_hot.IsHeld(changed[i]))
            {
                Load(changed[i]);
            }
        }
    }

    /// <summary>
    /// The string cache's pair for the slot's key's string after its window, when the key is of the window the batch
    /// last decoded (the string <see cref="DecodeRest"/> will look up); -1 otherwise.
    /// </summary>
    private int PairOfKeyString(int slot)
    {
        if (!_split || _lastWindow.Prefix is not { } prefix)
        {
            return -1;
        }
        var key = _hot.KeyOf(slot).AsSpan();
        return key.StartsWith(prefix) && new RowReader(key[prefix.Length..]).TryPeekString(out var utf8) ? Utf8StringCache.StoredKeys.PairOf(utf8) : -1;
    }

    /// <summary>
    /// A group not held: its stored value into its slot, or an empty slot for a key new to the state. A key the hot state
    /// would hold if the store had it, or of a window the closing index has never seen, is new without a store read.
    /// What the load found stays in the slot for <see cref="Settle"/>: the committed length (-1: none) as its stored
    /// length, and when it closes.
    /// </summary>
    private void Load(int slot)
    {
        var key = _hot.KeyOf(slot);
        long? closesAt = null;
        var newWindow = false;
        if (_closing is not null)
        {
            DecodeKey(slot, key, out closesAt, out newWindow);
        }
        var isNew = _hot.HoldsAll || newWindow;
        var existing = isNew ? null : _store.Get(key);
        _hot.Load(slot, existing is null ? null : RowCodec.Decode(existing));
        _hot.ClosesAt(slot) = closesAt ?? ClosingSlots.Never;
        _hot.StoredLength(slot) = existing?.Length ?? -1;
    }

    /// <summary>
    /// Sets the slot's key values, and tells when its group closes and whether its window is new to the state. By
    /// prefix the window is held apart (<see cref="TypedHotGroups.KeyLead"/>): keys of the window the batch last decoded
    /// (the first key, by prefix) share its decoded value and closing facts, and only the rest of the key is decoded,
    /// into an array of its own (no second array with the window in front; none for one value: <see cref="DecodeRest"/>).
    /// Whether a window is new cannot change while the batch loads: its prefixes leave only when it evicts.
    /// </summary>
    private void DecodeKey(int slot, byte[] key, out long? closesAt, out bool newWindow)
    {
        if (_lastWindow.Prefix is { } prefix && key.AsSpan().StartsWith(prefix))
        {
            _hot.KeyLead(slot) = _lastWindow.Value;
            DecodeRest(slot, key.AsSpan(prefix.Length));
            (closesAt, newWindow) = (_lastWindow.ClosesAtMs, _lastWindow.IsNew);
            return;
        }
        var values = RowCodec.Decode(key);
        closesAt = _op.EvictionTimeMs(values);
        newWindow = closesAt is not null && _closing!.IsNewPrefix(values);
        if (!_split)
        {
            _hot.KeyValues(slot) = values;
            return;
        }
        var first = RowCodec.EncodeScratch(values.AsSpan(0, 1));
        _lastWindow = key.AsSpan().StartsWith(first) ? new WindowOfKeys(key[..first.Length], values[0], closesAt, newWindow) : default;
        _hot.KeyLead(slot) = values[0];
        if (values.Length == 2)
        {
            (_hot.KeyRest(slot), _hot.KeyValues(slot)) = (values[1], OneRest);
        }
        else
        {
            _hot.KeyValues(slot) = values[1..];
        }
    }

    /// <summary>
    /// Sets the slot's key values after its window from their bytes: one value without an array (<see cref="OneRest"/>),
    /// a string as the one an earlier load in the silo made (<see cref="Utf8StringCache.StoredKeys"/>).
    /// </summary>
    private void DecodeRest(int slot, ReadOnlySpan<byte> rest)
    {
        var reader = new RowReader(rest);
        if (reader.End)
        {
            _hot.KeyValues(slot) = [];
            return;
        }
        var first = reader.ReadValue(Utf8StringCache.StoredKeys);
        if (reader.End)
        {
            (_hot.KeyRest(slot), _hot.KeyValues(slot)) = (first, OneRest);
            return;
        }
        _rest.Clear();
        _rest.Add(first);
        while (!reader.End)
        {
            _rest.Add(reader.ReadValue(Utf8StringCache.StoredKeys));
        }
        _hot.KeyValues(slot) = [.. _rest];
    }

    /// <summary>
    /// Writes a group not held, indexes its closing time if new, and holds it if the budget has room (a group read back
    /// from the store may make room after the loop: <see cref="TypedHotGroups.Admit"/>). Its key is decoded only where
    /// something needs it (the hot slot, update output, or a new group's closing time). A group whose window stays open
    /// past this batch's close is held after the close (<paramref name="holdAfterClose"/>), when the closed windows'
    /// groups have left the budget: held first, it would find the room they still take, and its window would close by
    /// the store scan.
    /// </summary>
    private void Settle(int slot, byte[] key, byte[] value, bool holdAfterClose)
    {
        // The store's null is a key not committed, or one the working version holds (whose change ignores the length).
        var storedLength = _hot.StoredLength(slot);
        StateWrites.Write(_store, key, value, storedLength);
        var existed = storedLength >= 0;
        ref var keyValues = ref _hot.KeyValues(slot);
        keyValues ??= _op.Mode == OutputMode.Update || existed || _hot.HasRoom ? RowCodec.Decode(key) : null;
        // A window added by this batch stays in the index until it evicts: its next new keys need not add it again.
        if (_hot.ClosesAt(slot) is var time and not ClosingSlots.Never && !existed && (_lastAdded is null || !key.AsSpan().StartsWith(_lastAdded)))
        {
            _lastAdded = _closing!.Add(time, key, _split ? [_hot.KeyLead(slot)] : keyValues!);
        }
        if (keyValues is null)
        {
            _hot.NotHeld(slot);
        }
        else if (holdAfterClose)
        {
            // Until it is held, the slot's stored length is this batch's write (its committed length once the batch commits).
            _hot.StoredLength(slot) = value.Length;
            _hot.HeldAfterCloseScratch.Add((_hot.ClosesAt(slot), slot, existed));
        }
        else
        {
            Hold(slot, value.Length, existed);
        }
    }

    /// <summary>Holds a settled group if the budget has room; one read back from the store waits for <see cref="TypedHotGroups.Admit"/>.</summary>
    private void Hold(int slot, int storedLength, bool existed)
    {
        if (!_hot.TryHold(slot, storedLength) && existed)
        {
            _reread.Add(slot);
        }
    }

    private byte[] Encode(int slot)
    {
        _value.ResetWrittenCount();
        _hot.Encode(slot, _value);
        return _value.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Removes the groups the watermark has closed (append mode outputs them, once): a closing time the hot state holds
    /// whole from its slots, in the store's key order; any other by the store scan.
    /// </summary>
    private void Evict(long thresholdMs, List<object?[]> output)
    {
        foreach (var (time, entries) in _closing!.TakeDueTimes(thresholdMs))
        {
            if (_hot.TakeClosing(time) is not { } slots)
            {
                foreach (var (key, value, removed) in _closing.GroupsOf(_store, entries))
                {
                    Remove(key, value, removed, output);
                }
                continue;
            }
            if (_op.Mode == OutputMode.Append)
            {
                _hot.KeyOrder.Sort(slots, _keyOf ??= _hot.KeyOf);
                output.EnsureCapacity(output.Count + slots.Count);
            }
            foreach (var slot in slots)
            {
                if (_op.Mode == OutputMode.Append)
                {
                    output.Add(Row(slot));
                }
                // The stored length is the committed one, or this batch's write (whose change ignores it).
                StateWrites.Write(_store, _hot.KeyOf(slot), null, _hot.StoredLength(slot));
                _hot.Remove(slot);
            }
            _hot.ReturnClosing(slots);
        }
    }

    /// <summary>
    /// Removes a closed group (from the store too unless it is <paramref name="removed"/> there). <paramref name="value"/> is the working version's value when the caller read it:
    /// for a key the working version has not changed, that is the committed value, whose length the commit needs.
    /// </summary>
    private void Remove(byte[] key, byte[]? value, bool removed, List<object?[]> output)
    {
        var held = _hot.TryFind(key, out var slot);
        if (_op.Mode == OutputMode.Append)
        {
            output.Add(held ? Row(slot) : _op.Row(_window.Decode(key), RowCodec.Decode(value ??= _store.Get(key)!)));
        }
        if (!removed)
        {
            StateWrites.Write(_store, key, null, value?.Length ?? (held ? _hot.StoredLength(slot) : SortedEntries.Entry.UnknownLength));
        }
        if (held)
        {
            _hot.Remove(slot);
        }
    }

    private object?[] Row(int slot)
    {
        var keyValues = _hot.KeyValues(slot)!;
        var lead = _split ? 1 : 0;
        var keys = lead + (ReferenceEquals(keyValues, OneRest) ? 1 : keyValues.Length);
        var row = new object?[keys + _op.Aggregates.Aggregates.Count];
        if (_split)
        {
            row[0] = _hot.KeyLead(slot);
        }
        if (ReferenceEquals(keyValues, OneRest))
        {
            row[1] = _hot.KeyRest(slot);
        }
        else
        {
            keyValues.CopyTo(row, lead);
        }
        _hot.EvaluateInto(slot, row, keys);
        return row;
    }

    /// <summary>Row <paramref name="row"/> of <paramref name="columns"/>: the slot's key values, then its results (as <see cref="Row"/>).</summary>
    private void SetRow(int slot, object?[][] columns, int row)
    {
        var keyValues = _hot.KeyValues(slot)!;
        var column = 0;
        if (_split)
        {
            columns[column++][row] = _hot.KeyLead(slot);
        }
        if (ReferenceEquals(keyValues, OneRest))
        {
            columns[column++][row] = _hot.KeyRest(slot);
        }
        else
        {
            foreach (var value in keyValues)
            {
                columns[column++][row] = value;
            }
        }
        _hot.EvaluateInto(slot, columns, column, row);
    }

    /// <summary>The window of the key the batch last decoded: its encoded bytes (every key of it starts with them), value and closing facts.</summary>
    private readonly record struct WindowOfKeys(byte[]? Prefix, object? Value, long? ClosesAtMs, bool IsNew);
}
