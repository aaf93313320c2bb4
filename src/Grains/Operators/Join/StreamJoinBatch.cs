using Sluice.Contracts;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>One batch of a stream-stream join in one key group. State rows: key (side, join key, n), value (matched, event time, row).</summary>
internal sealed class StreamJoinBatch(StreamJoinOperator op, IStateStore store) : IStatefulBatch
{
    private const int Left = 0, Right = 1;
    private readonly List<(byte[] Key, object?[] Row)>[] _new = [[], []];
    private readonly List<object?[]> _output = [];
    private readonly string _type = op.Spec.JoinType;
    private long _sequence;

    public long? NextProcessingTimerMs => null;

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, value) in records)
        {
            var side = (int)value[0]!;
            var row = value[1..];
            if (side >= 2)
            {
                EmitUnmatched(side - 2, row);
                continue;
            }
            _new[side].Add((key, row));
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        foreach (var (key, row) in _new[Left])
        {
            JoinNew(Left, key, row);
        }
        foreach (var (key, row) in _new[Right])
        {
            JoinNew(Right, key, row);
        }
        Evict(watermarkMs);
        return _output;
    }

    /// <summary>Joins a new row with the other side's stored rows, then stores it (a left semi match is emitted once and not kept).</summary>
    private void JoinNew(int side, byte[] key, object?[] row)
    {
        var other = 1 - side;
        var matched = false;
        foreach (var (entryKey, value) in store.IteratePrefix(StreamJoinOperator.Prefix(other, key)).ToList())
        {
            var stored = RowCodec.Decode(value);
            var storedRow = stored[2..];
            object?[] joined = side == Left ? [.. row, .. storedRow] : [.. storedRow, .. row];
            if (op.Condition.Residual is not null && !op.Condition.Residual.IsTrue(joined))
            {
                continue;
            }
            matched = true;
            if (_type == "leftSemi")
            {
                if (side == Left)
                {
                    break;
                }
                _output.Add(storedRow);
                store.Remove(entryKey);
                continue;
            }
            _output.Add(joined);
            if (stored[0] is false)
            {
                store.Put(entryKey, RowCodec.Encode([true, stored[1], .. storedRow]));
            }
        }
        if (_type == "leftSemi" && side == Left && matched)
        {
            _output.Add(row);
            return;
        }
        var time = side == Left ? op.LeftTime : op.RightTime;
        long? ms = time >= 0 && row[time] is DateTime t ? EventTimes.ToMs(t) : null;
        // Unique per stored row: the batch that stored it (the store's next version) and its place in the batch.
        store.Put(RowCodec.Encode([side, key, store.Version + 1, _sequence++]), RowCodec.Encode([matched, ms, .. row]));
    }

    /// <summary>Rows no future row of the other side can match go; an outer join emits its preserved side's unmatched ones.</summary>
    private void Evict(long watermarkMs)
    {
        if (!op.CanEvictLeft && !op.CanEvictRight)
        {
            return;
        }
        foreach (var (entryKey, value) in store.Iterate().ToList())
        {
            var side = (int)RowCodec.Decode(entryKey)[0]!;
            var stored = RowCodec.Decode(value);
            if (stored[1] is not long ms)
            {
                continue;
            }
            var expired = side == Left
                ? op.CanEvictLeft && ms <= watermarkMs + op.Condition.MinLeftMinusRightMs!.Value
                : op.CanEvictRight && ms <= watermarkMs - op.Condition.MaxLeftMinusRightMs!.Value;
            if (!expired)
            {
                continue;
            }
            if (stored[0] is false)
            {
                EmitUnmatched(side, stored[2..]);
            }
            store.Remove(entryKey);
        }
    }

    private void EmitUnmatched(int side, object?[] row)
    {
        if (side == Left && _type == "leftOuter")
        {
            _output.Add([.. row, .. new object?[op.RightWidth]]);
        }
        else if (side == Right && _type == "rightOuter")
        {
            _output.Add([.. new object?[op.LeftWidth], .. row]);
        }
    }
}
