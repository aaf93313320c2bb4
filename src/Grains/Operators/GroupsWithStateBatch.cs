using Sluice.Contracts;
using Sluice.Processing;
using Sluice.State;

namespace Sluice.Operators;

/// <summary>One batch of <see cref="GroupsWithStateOperator"/> in one key group.</summary>
internal sealed class GroupsWithStateBatch(GroupsWithStateOperator op, IStateStore store, TimerIndex timers) : IStatefulBatch
{
    private readonly Dictionary<byte[], List<object?[]>> _rows = new(ByteKeyComparer.Instance);
    private readonly List<object?[]> _output = [];
    private long _batchTimestampMs;
    private long _watermarkMs;

    public long? NextProcessingTimerMs => op.HasProcessingTimers ? timers.Earliest : null;

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, row) in records)
        {
            if (!_rows.TryGetValue(key, out var rows))
            {
                _rows[key] = rows = [];
            }
            rows.Add(row);
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        (_watermarkMs, _batchTimestampMs) = (watermarkMs, batchTimestampMs);
        foreach (var (key, rows) in _rows)
        {
            Call(key, rows, hasTimedOut: false);
        }
        if (op.Spec.Timeout != "none")
        {
            var threshold = op.HasProcessingTimers ? batchTimestampMs : watermarkMs;
            foreach (var (_, key) in timers.Due(threshold))
            {
                if (!_rows.ContainsKey(key))
                {
                    Call(key, [], hasTimedOut: true);
                }
            }
        }
        return _output;
    }

    private void Call(byte[] key, List<object?[]> rows, bool hasTimedOut)
    {
        var existing = store.Get(key) is { } bytes ? GroupStateValue.Decode(bytes) : (GroupStateValue?)null;
        var input = rows.Select(r => new InputRow(op.InputSchema, r)).ToList();
        var call = op.Invoker.Invoke(op.KeyOf(key), input, existing?.Json, hasTimedOut, op.Spec.Timeout, _batchTimestampMs, op.HasWatermark ? _watermarkMs : null);
        if (!op.Spec.FlatMap && call.Output.Count != 1)
        {
            throw new InvalidOperationException($"mapGroupsWithState processor '{op.Processor.Name}' returned {call.Output.Count} rows for one call; it must return exactly one");
        }
        foreach (var row in call.Output)
        {
            if (row.Length != op.OutputSchema.Count)
            {
                throw new InvalidOperationException($"processor '{op.Processor.Name}' returned a row of {row.Length} values; its output columns are {op.OutputSchema.Describe()}");
            }
            _output.Add(row);
        }
        if (existing?.TimeoutMs is { } oldTimeout)
        {
            timers.Remove(oldTimeout, key);
        }
        // As Spark's InputProcessor: a key without state is removed unless the call left it a timeout, which is kept
        // (with no value) until it fires. A call clears the key's timeout unless it set a new one; a changed timeout,
        // or a value removed while a timeout stays, is a state write.
        if (!call.Exists && call.TimeoutMs is null)
        {
            if (existing is not null)
            {
                store.Remove(key);
            }
            return;
        }
        if (call.Updated || call.Removed || existing is not { } old || call.TimeoutMs != old.TimeoutMs)
        {
            store.Put(key, new GroupStateValue(call.Json, call.TimeoutMs).Encode());
        }
        if (call.TimeoutMs is { } timeout)
        {
            timers.Add(timeout, key);
        }
    }
}
