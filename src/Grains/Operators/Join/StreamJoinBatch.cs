using Sluice.Contracts;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// One batch of a stream-stream join in one key group, as Spark's <c>SymmetricHashJoinStateManager</c> keeps it. State
/// rows: key (side, join key, batch, n), value (matched, eviction time, row). The batch's left rows join the right
/// side's stored rows and are stored; then its right rows join the left side's (now including this batch's) and are
/// stored unless they go again at the end of this batch; then rows behind their side's state watermark are evicted,
/// and an outer join emits the preserved side's unmatched ones with nulls.
/// </summary>
internal sealed class StreamJoinBatch(StreamJoinOperator op, IStateStore store) : IStatefulBatch
{
    private const int Left = StreamJoinOperator.Left, Right = StreamJoinOperator.Right;
    private readonly List<(byte[] Key, object?[] Row, bool Joinable)>[] _new = [[], []];
    private readonly List<object?[]> _output = [];
    private readonly bool _semi = op.Spec.JoinType == "leftSemi";
    private long _sequence, _appended, _removed;

    public long? NextProcessingTimerMs => null;

    /// <summary>
    /// Spark's figures: rows appended to state are the updates (marking a stored row matched is not one), and removals
    /// count only rows evicted without output, i.e. not those of a side whose unmatched rows the join emits.
    /// </summary>
    public StateRowCounts? RowCounts => new(_appended, _removed);

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, value) in records)
        {
            var side = (int)value[0]!;
            _new[side % 2].Add((key, value[1..], side < 2));
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        foreach (var side in (int[])[Left, Right])
        {
            foreach (var (key, row, joinable) in _new[side])
            {
                JoinNew(side, key, row, joinable, watermarkMs);
            }
        }
        Evict(watermarkMs);
        return _output;
    }

    private void JoinNew(int side, byte[] key, object?[] row, bool joinable, long watermarkMs)
    {
        var filter = side == Left ? op.Condition.LeftFilter : op.Condition.RightFilter;
        if (filter is not null && !filter.IsTrue(row))
        {
            // It can match nothing: not stored, and a preserved side's row is settled now.
            EmitUnmatched(side, row);
            return;
        }
        var matched = joinable && JoinStored(side, key, row);
        if (_semi && side == Left && matched)
        {
            // A left semi row is emitted once, at its first match, and then needs no state.
            _output.Add(row);
            return;
        }
        var evictionMs = op.EvictionTimeMs(side, row);
        // A right row has met every left row of this batch already: if it would be evicted at the end of the batch, it
        // is stored only when an outer join still has to emit it unmatched (Spark's AddingProcessedRowToStateCompletionIterator).
        if (side == Right && evictionMs <= op.Threshold(Right, watermarkMs) && (matched || !op.Preserves(Right)))
        {
            return;
        }
        // Unique per stored row: the batch that stored it (the store's next version) and its place in the batch.
        store.Put(RowCodec.Encode([side, key, store.Version + 1, _sequence++]), RowCodec.Encode([matched, evictionMs, .. row]));
        _appended++;
    }

    /// <summary>Joins a new row with the other side's stored rows and marks those it matches; whether any matched.</summary>
    private bool JoinStored(int side, byte[] key, object?[] row)
    {
        var matched = false;
        foreach (var (entryKey, value) in store.IteratePrefix(StreamJoinOperator.Prefix(1 - side, key)).ToList())
        {
            var stored = RowCodec.Decode(value);
            // A right row of a semi join only settles left rows not emitted yet.
            if (_semi && side == Right && stored[0] is true)
            {
                continue;
            }
            var storedRow = stored[2..];
            object?[] joined = side == Left ? [.. row, .. storedRow] : [.. storedRow, .. row];
            if (op.Condition.Residual is not null && !op.Condition.Residual.IsTrue(joined))
            {
                continue;
            }
            matched = true;
            if (stored[0] is false)
            {
                store.Put(entryKey, RowCodec.Encode([true, .. stored[1..]]));
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
            _output.Add(joined);
        }
        return matched;
    }

    /// <summary>Rows at or below their side's state watermark go; an outer join emits its preserved side's unmatched ones.</summary>
    private void Evict(long watermarkMs)
    {
        var thresholds = new[] { op.Threshold(Left, watermarkMs), op.Threshold(Right, watermarkMs) };
        if (thresholds[Left] is null && thresholds[Right] is null)
        {
            return;
        }
        foreach (var (entryKey, value) in store.Iterate().ToList())
        {
            var side = (int)RowCodec.Decode(entryKey)[0]!;
            var stored = RowCodec.Decode(value);
            if (stored[1] is not long ms || !(ms <= thresholds[side]))
            {
                continue;
            }
            store.Remove(entryKey);
            if (op.Preserves(side))
            {
                if (stored[0] is false)
                {
                    EmitUnmatched(side, stored[2..]);
                }
            }
            else
            {
                _removed++;
            }
        }
    }

    private void EmitUnmatched(int side, object?[] row)
    {
        if (op.Preserves(side))
        {
            _output.Add(side == Left ? [.. row, .. new object?[op.RightWidth]] : [.. new object?[op.LeftWidth], .. row]);
        }
    }
}
