using System.Buffers;
using Sluice.Contracts;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// One batch of a stream-stream join in one key group, as Spark's <c>SymmetricHashJoinStateManager</c> keeps it. State
/// rows: key (side, join key, batch, n), value (matched, eviction time, row). The batch's left rows join the right
/// side's stored rows and are stored; then its right rows join the left side's (now including this batch's) and are
/// stored unless they go again at the end of this batch; then rows behind their side's state watermark are evicted,
/// and an outer join emits the preserved side's unmatched ones with nulls. The rows and their eviction times are read
/// from the <see cref="JoinStateCache"/> that mirrors the store; the store is read only when the cache is past its budget.
/// </summary>
internal sealed class StreamJoinBatch(StreamJoinOperator op, IStateStore store, JoinStateCache cache) : IStatefulBatch
{
    private const int Left = StreamJoinOperator.Left, Right = StreamJoinOperator.Right;
    // The routed records' values as they came: the side tag, then the row (not copied out: most rows are only encoded).
    private readonly List<(byte[] Key, object?[] Tagged, bool Joinable)>[] _new = [[], []];
    private readonly List<object?[]> _output = [];
    private readonly bool _semi = op.Spec.JoinType == "leftSemi";
    private readonly ArrayBufferWriter<byte> _value = new(256);
    private readonly ArrayBufferWriter<byte> _stateKey = new(64);
    // The joined row the residual condition is evaluated on; copied only into output.
    private object?[] _joined = new object?[op.LeftWidth + op.RightWidth];
    private long _sequence, _appended, _removed;
    // Per side: this batch's rows stored per batch (SideBatch), written at the end of the batch.
    private readonly SideBatch?[] _stored = new SideBatch?[2];
    // Per side: the threshold this batch evicted it by (null: none), which the rows its entry holds without objects go by.
    private readonly long?[] _evictedBy = new long?[2];

    public long? NextProcessingTimerMs => null;

    /// <summary>
    /// Spark's figures: rows appended to state are the updates (marking a stored row matched is not one), and removals
    /// count only rows evicted without output, i.e. not those of a side whose unmatched rows the join emits.
    /// </summary>
    public StateRowCounts? RowCounts => new(_appended, _removed, cache.Rows);

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, value) in records)
        {
            var side = (int)value[0]!;
            _new[side % 2].Add((key, value, side < 2));
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        foreach (var side in (int[])[Left, Right])
        {
            foreach (var (key, tagged, joinable) in _new[side])
            {
                JoinNew(side, key, tagged, joinable, watermarkMs);
            }
        }
        Evict(watermarkMs);
        foreach (var stored in _stored)
        {
            // After eviction: a row evicted by the batch that stored it is never written.
            if (stored?.Write(store, keepBytes: cache.Mirrors(stored.Side), _evictedBy[stored.Side]) is true)
            {
                cache.CountEntries(stored.Side, 1);
            }
        }
        foreach (var empty in cache.TakeEmptyBatches())
        {
            store.Change(empty.Key, null, empty.CommittedLength(store.Version));
        }
        return _output;
    }

    /// <param name="tagged">The routed value: the side tag, then the row. The row is copied out only where an
    /// expression is evaluated on it or it is output; storing and matching read it in place.</param>
    private void JoinNew(int side, byte[] key, object?[] tagged, bool joinable, long watermarkMs)
    {
        var values = new ReadOnlySpan<object?>(tagged, 1, tagged.Length - 1);
        object?[]? row = null;
        var filter = side == Left ? op.Condition.LeftFilter : op.Condition.RightFilter;
        if (filter is not null && !filter.IsTrue(row = tagged[1..]))
        {
            // It can match nothing: not stored, and a preserved side's row is settled now.
            EmitUnmatched(side, values);
            return;
        }
        var matched = joinable && (cache.Mirrors(1 - side) ? JoinCached(side, key, values) : JoinStored(side, key, values));
        if (_semi && side == Left && matched)
        {
            // A left semi row is emitted once, at its first match, and then needs no state.
            _output.Add(row ?? tagged[1..]);
            return;
        }
        var evictionMs = op.KeyOrdinal >= 0 ? op.EvictionTimeMs(side, row ?? tagged[1..]) : op.ValueEvictionTimeMs(side, values);
        // A right row has met every left row of this batch already: if it would be evicted at the end of the batch, it
        // is stored only when an outer join still has to emit it unmatched (Spark's AddingProcessedRowToStateCompletionIterator).
        if (side == Right && evictionMs <= op.Threshold(Right, watermarkMs) && (matched || !op.Preserves(Right)))
        {
            return;
        }
        // Unique per stored row: the batch that stored it (the store's next version) and its place in the batch.
        var batch = store.Version + 1;
        var n = _sequence++;
        var stateKey = StateKey(side, key, batch, n);
        var value = EncodeValue(matched, evictionMs, values);
        StoredJoinRow stored;
        if (evictionMs is { } ms && op.StoresPerBatch(side) && cache.BatchesNewRows(side))
        {
            // Into the batch entry's bytes: the row gets no arrays of its own, and past the budget no object either.
            var entry = _stored[side] ??= new SideBatch(side, batch, _new[side].Count);
            if (!cache.Mirrors(side))
            {
                entry.AddUnheld(ms, stateKey, value);
                cache.AddToEntry(entry, ms);
                _appended++;
                return;
            }
            stored = entry.Add(key, n, ms, stateKey, value);
            stored.Matched = matched;
        }
        else
        {
            var valueArray = value.ToArray();
            stored = new StoredJoinRow(side, key, stateKey.ToArray(), evictionMs, batch, valueArray.Length)
            {
                Matched = matched,
                Value = valueArray,
            };
            store.Change(stored.StateKey, valueArray, committedValueLength: -1);
        }
        cache.Add(stored);
        _appended++;
    }

    /// <summary>Joins a new row with the other side's rows in the cache and marks those it matches; whether any matched.</summary>
    private bool JoinCached(int side, byte[] key, ReadOnlySpan<object?> row)
    {
        var matched = false;
        var rows = cache.RowsOf(1 - side, key);
        for (var i = 0; i < rows.Count; i++)
        {
            var stored = rows[i];
            // A right row of a semi join only settles left rows not emitted yet.
            if (_semi && side == Right && stored.Matched)
            {
                continue;
            }
            if (!Matches(side, row, stored.Row))
            {
                continue;
            }
            matched = true;
            // A side stored per batch never reads its matched flags, so they are not kept.
            if (!stored.Matched && !op.StoresPerBatch(1 - side))
            {
                stored.Matched = true;
                // The flag is the value's first byte: the rest is the same, and the store keeps the array it was given.
                var value = (byte[])stored.Value!.Clone();
                value[0] = (byte)ValueTag.True;
                stored.Value = value;
                store.Change(stored.StateKey, value, stored.CommittedLength(store.Version));
            }
            if (_semi)
            {
                if (side == Left)
                {
                    break;
                }
                _output.Add((object?[])stored.Row.Clone());
                continue;
            }
            _output.Add((object?[])_joined.Clone());
        }
        return matched;
    }

    /// <summary>As <see cref="JoinCached"/>, reading the other side's rows from the store (the cache stopped mirroring them: past its budget).</summary>
    private bool JoinStored(int side, byte[] key, ReadOnlySpan<object?> row)
    {
        var matched = false;
        foreach (var (entryKey, value) in StoredRows(1 - side, key))
        {
            var stored = RowCodec.Decode(value);
            if (_semi && side == Right && stored[0] is true)
            {
                continue;
            }
            var storedRow = stored[2..];
            if (!Matches(side, row, storedRow))
            {
                continue;
            }
            matched = true;
            if (stored[0] is false && !op.StoresPerBatch(1 - side))
            {
                store.Put(entryKey, EncodeValue(true, stored[1] as long?, storedRow).ToArray());
            }
            if (_semi)
            {
                if (side == Left)
                {
                    break;
                }
                _output.Add(storedRow);
                continue;
            }
            _output.Add((object?[])_joined.Clone());
        }
        return matched;
    }

    /// <summary>
    /// The stored rows of <paramref name="side"/> with <paramref name="key"/> in key order (row key, value): those stored
    /// as their own entries, and for a side stored per batch those of its batch entries not evicted and this batch's.
    /// </summary>
    private List<(byte[] Key, byte[] Value)> StoredRows(int side, byte[] key)
    {
        var prefix = StreamJoinOperator.Prefix(side, key);
        var rows = store.IteratePrefix(prefix).Select(e => (e.Key, e.Value)).ToList();
        if (!op.StoresPerBatch(side))
        {
            return rows;
        }
        var (before, scanned) = (rows.Count, 0);
        foreach (var (_, value) in store.IteratePrefix(SideBatch.Prefix(side)))
        {
            scanned += SideBatch.Scan(value, prefix, cache.EvictedThrough(side), rows);
        }
        scanned += _stored[side]?.CopyPending(key, rows) ?? 0;
        cache.ScannedBatchRows(side, scanned);
        if (rows.Count > before)
        {
            rows.Sort(static (a, b) => StateKeys.Comparer.Compare(a.Key, b.Key));
        }
        return rows;
    }

    /// <summary>Lays the new row and a stored one out as the joined row and checks the residual condition on it.</summary>
    private bool Matches(int side, ReadOnlySpan<object?> row, object?[] storedRow)
    {
        var (leftLength, rightLength) = side == Left ? (row.Length, storedRow.Length) : (storedRow.Length, row.Length);
        if (_joined.Length != leftLength + rightLength)
        {
            _joined = new object?[leftLength + rightLength];
        }
        if (side == Left)
        {
            row.CopyTo(_joined);
            storedRow.CopyTo(_joined, leftLength);
        }
        else
        {
            storedRow.CopyTo(_joined, 0);
            row.CopyTo(_joined.AsSpan(leftLength));
        }
        return op.Condition.Residual is not { } residual || residual.IsTrue(_joined);
    }

    /// <summary>Rows at or below their side's state watermark go; an outer join emits its preserved side's unmatched ones.</summary>
    private void Evict(long watermarkMs)
    {
        var due = new List<StoredJoinRow>();
        var dueInEntries = new List<SideBatch>();
        foreach (var side in (int[])[Left, Right])
        {
            if (op.Threshold(side, watermarkMs) is { } threshold)
            {
                cache.TakeDue(side, threshold, due, dueInEntries);
                cache.RaiseEvictedThrough(side, threshold);
                _evictedBy[side] = threshold;
            }
        }
        if (due.Count == 0 && dueInEntries.Count == 0)
        {
            return;
        }
        SideBatch? kept = null;
        if (op.Preserves(Left) || op.Preserves(Right))
        {
            // Unmatched rows are emitted in the store's key order, as a scan of the store would meet them; an inner
            // join's evictions show in no order (the store sorts its changes itself).
            due.Sort(static (a, b) => StateKeys.Comparer.Compare(a.StateKey, b.StateKey));
        }
        foreach (var row in due)
        {
            if (op.Preserves(row.Side))
            {
                var (matched, values) = cache.Mirrors(row.Side) ? (row.Matched, row.Row) : Read(row.StateKey);
                if (!matched)
                {
                    EmitUnmatched(row.Side, values);
                }
            }
            else
            {
                _removed++;
            }
            if (row.StoredIn is not { } entry)
            {
                store.Change(row.StateKey, null, row.CommittedLength(store.Version));
            }
            else
            {
                kept = EvictFrom(entry) ?? kept;
            }
        }
        foreach (var entry in dueInEntries)
        {
            // A side stored per batch is never preserved: nothing to emit.
            _removed++;
            kept = EvictFrom(entry) ?? kept;
        }
        // An entry still held keeps an evicted row: the stored threshold tells a restart it is gone.
        var keepsEvicted = new bool[2];
        for (var i = 0; kept is not null && i < due.Count; i++)
        {
            if (due[i].StoredIn is { Written: true, Live: > 0 } entry)
            {
                keepsEvicted[entry.Side] = true;
            }
        }
        for (var i = 0; kept is not null && i < dueInEntries.Count; i++)
        {
            if (dueInEntries[i] is { Written: true, Live: > 0 } entry)
            {
                keepsEvicted[entry.Side] = true;
            }
        }
        for (var side = 0; side < 2; side++)
        {
            switch (cache.ThresholdChange(side, keepsEvicted[side]))
            {
                case true:
                    store.Put(SideBatch.ThresholdKey(side), RowCodec.Encode([cache.EvictedThrough(side)]));
                    break;
                case false:
                    store.Remove(SideBatch.ThresholdKey(side));
                    break;
            }
        }
        cache.Forget(due, dueInEntries.Count);
    }

    /// <summary>
    /// One of <paramref name="entry"/>'s rows is evicted: a written entry's last row deletes it. The entry if it is
    /// written and still holds rows (null: not written yet, the batch leaves the row out, or deleted).
    /// </summary>
    private SideBatch? EvictFrom(SideBatch entry)
    {
        if (!entry.Written)
        {
            return null;
        }
        if (--entry.Live == 0)
        {
            store.Change(entry.Key, null, entry.CommittedLength(store.Version));
            cache.CountEntries(entry.Side, -1);
            return null;
        }
        return entry;
    }

    private (bool Matched, object?[] Row) Read(byte[] stateKey)
    {
        var stored = RowCodec.Decode(store.Get(stateKey) ?? throw new InvalidOperationException("a join row the state cache holds is missing from the store"));
        return (stored[0] is true, stored[2..]);
    }

    /// <summary>A stored row's value: matched, eviction time, row (the bytes <c>RowCodec.Encode</c> gives, without boxing the first two).</summary>
    private ReadOnlySpan<byte> EncodeValue(bool matched, long? evictionMs, ReadOnlySpan<object?> row)
    {
        _value.ResetWrittenCount();
        RowCodec.WriteTag(_value, matched ? ValueTag.True : ValueTag.False);
        if (evictionMs is { } ms)
        {
            RowCodec.WriteLong(_value, ms);
        }
        else
        {
            RowCodec.WriteTag(_value, ValueTag.Null);
        }
        RowCodec.Encode(_value, row);
        return _value.WrittenSpan;
    }

    /// <summary>A stored row's key: side, join key, batch, n (the bytes <c>RowCodec.Encode([side, key, batch, n])</c> gives, without an array and three boxes).</summary>
    private ReadOnlySpan<byte> StateKey(int side, byte[] key, long batch, long n)
    {
        _stateKey.ResetWrittenCount();
        RowCodec.WriteInt(_stateKey, side);
        RowCodec.WriteBinary(_stateKey, key);
        RowCodec.WriteLong(_stateKey, batch);
        RowCodec.WriteLong(_stateKey, n);
        return _stateKey.WrittenSpan;
    }

    private void EmitUnmatched(int side, ReadOnlySpan<object?> row)
    {
        if (op.Preserves(side))
        {
            _output.Add(side == Left ? [.. row, .. new object?[op.RightWidth]] : [.. new object?[op.LeftWidth], .. row]);
        }
    }
}
