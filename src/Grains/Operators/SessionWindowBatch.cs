using Sluice.Contracts;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// One batch of <see cref="SessionWindowOperator"/> in one key group: merge, emit, evict. It counts state rows as
/// Spark's SessionWindowStateStoreSaveExec does: every session of a key that had rows in the batch is put again, so
/// each one counts as updated, changed or not (only changed ones are written here); a stored session merged into one
/// with another start, and a session evicted, count as removed.
/// </summary>
internal sealed class SessionWindowBatch(SessionWindowOperator op, IStateStore store) : IStatefulBatch
{
    private readonly Dictionary<byte[], List<object?[]>> _incoming = new(ByteKeyComparer.Instance);
    private readonly List<object?[]> _output = [];
    private long _updated;
    private long _removed;

    public long? NextProcessingTimerMs => null;

    public StateRowCounts? RowCounts => new(_updated, _removed);

    public void Apply(IReadOnlyList<KeyedRecord> records)
    {
        foreach (var (key, session) in records)
        {
            if (!_incoming.TryGetValue(key, out var sessions))
            {
                _incoming[key] = sessions = [];
            }
            sessions.Add(session);
        }
    }

    public List<object?[]> Finish(long watermarkMs, long batchTimestampMs)
    {
        foreach (var (key, sessions) in _incoming)
        {
            Merge(key, sessions);
        }
        if (op.Mode == OutputMode.Complete)
        {
            foreach (var (entryKey, value) in store.Iterate())
            {
                _output.Add(Row(entryKey, value));
            }
        }
        else if (op.HasWatermarkOnKey)
        {
            var closed = store.Iterate().Where(e => (long)RowCodec.Decode(e.Value)[0]! <= watermarkMs).ToList();
            foreach (var (entryKey, value) in closed)
            {
                if (op.Mode == OutputMode.Append)
                {
                    _output.Add(Row(entryKey, value));
                }
                store.Remove(entryKey);
                _removed++;
            }
        }
        return _output;
    }

    /// <summary>Merges a key's new sessions with its stored ones; sessions that touch or overlap become one.</summary>
    private void Merge(byte[] groupKey, List<object?[]> incoming)
    {
        var pieces = store.IteratePrefix(groupKey)
            .Select(e => (Start: (long)RowCodec.Decode(e.Key)[^1]!, Value: RowCodec.Decode(e.Value), StoredKey: (byte[]?)e.Key))
            .Select(p => (p.Start, End: (long)p.Value[0]!, Buffer: p.Value[1..], p.StoredKey))
            .Concat(incoming.Select(s => (Start: (long)s[0]!, End: (long)s[1]!, Buffer: s[2..], StoredKey: (byte[]?)null)))
            .OrderBy(p => p.Start)
            .ToList();
        var keyValues = RowCodec.Decode(groupKey);
        var i = 0;
        while (i < pieces.Count)
        {
            var (start, end, buffer, storedKey) = pieces[i];
            var replaced = new List<byte[]>();
            var changed = storedKey is null;
            if (storedKey is not null)
            {
                replaced.Add(storedKey);
            }
            for (i++; i < pieces.Count && pieces[i].Start <= end; i++)
            {
                end = Math.Max(end, pieces[i].End);
                op.Aggregates.Merge(buffer, pieces[i].Buffer);
                changed |= pieces[i].StoredKey is null;
                if (pieces[i].StoredKey is { } other)
                {
                    replaced.Add(other);
                }
            }
            _updated++;
            if (!changed)
            {
                continue;
            }
            var sessionKey = RowCodec.Encode([.. keyValues, start]);
            foreach (var old in replaced)
            {
                store.Remove(old);
                _removed += ByteKeyComparer.Instance.Equals(old, sessionKey) ? 0 : 1;
            }
            store.Put(sessionKey, RowCodec.Encode([end, .. buffer]));
        }
    }

    private object?[] Row(byte[] entryKey, byte[] value)
    {
        var key = RowCodec.Decode(entryKey);
        var stored = RowCodec.Decode(value);
        return op.OutputRow(key[..^1], (long)key[^1]!, (long)stored[0]!, stored[1..]);
    }
}
