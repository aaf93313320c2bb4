using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators.Aggregation;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// Aggregation by <c>session_window(col, gap)</c> (Spark's SessionWindowStateStoreSaveExec): each row opens the
/// session [t, t + gap); sessions of a key that overlap or touch merge, also across batches. Each session is one state
/// row keyed by the group key and its start. Append emits a session once the watermark passes its end; update emits
/// sessions changed in the batch; rows whose own session would already be closed are late.
/// </summary>
internal sealed class SessionWindowOperator : IStatefulOperator
{
    private readonly GroupKey[] _keys;
    private readonly int _sessionKey;
    private readonly int _timeIndex;
    private readonly long _gapMs;
    private readonly AggregateSet _aggregates;
    private readonly OutputMode _mode;
    private readonly bool _hasWatermark;
    private readonly IReadOnlyDictionary<string, string> _description;

    public IReadOnlyDictionary<string, string> Describe() => _description;

    public SessionWindowOperator(int index, IReadOnlyList<GroupKey> keys, int sessionKey, int timeIndex, TimeSpan gap, AggregateSet aggregates, OutputMode mode, WatermarkColumn? watermark, IReadOnlyDictionary<string, string> description)
    {
        Index = index;
        _description = description;
        _keys = [.. keys];
        _sessionKey = sessionKey;
        _timeIndex = timeIndex;
        _gapMs = (long)gap.TotalMilliseconds;
        _aggregates = aggregates;
        _mode = mode;
        _hasWatermark = watermark is not null && watermark.Index == timeIndex;
        OutputSchema = new StreamSchema([.. _keys.Select(k => new Column(k.Name, k.Type)), .. aggregates.Aggregates.Select(a => new Column(a.Name, a.Function.ResultType))]);
    }

    public int Index { get; }

    public string Name => "sessionWindowStateStoreSaveExec";

    public StreamSchema OutputSchema { get; }

    /// <summary>Whether the watermark is on the session's time column, so sessions can close (append mode needs it).</summary>
    public bool HasWatermarkOnKey => _hasWatermark;

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var byKey = new Dictionary<byte[], List<(long Time, object?[] Row)>>(ByteKeyComparer.Instance);
        foreach (var row in rows)
        {
            if (row[_timeIndex] is not DateTime time)
            {
                continue;
            }
            var t = EventTimes.ToMs(time);
            if (_hasWatermark && t + _gapMs <= context.WatermarkMs)
            {
                late.Add(row);
                continue;
            }
            var key = GroupKeyOf(row);
            if (!byKey.TryGetValue(key, out var events))
            {
                byKey[key] = events = [];
            }
            events.Add((t, row));
        }
        foreach (var (key, events) in byKey)
        {
            events.Sort((a, b) => a.Time.CompareTo(b.Time));
            object?[]? session = null;
            foreach (var (t, row) in events)
            {
                if (session is not null && t <= (long)session[1]!)
                {
                    session[1] = Math.Max((long)session[1]!, t + _gapMs);
                }
                else
                {
                    if (session is not null)
                    {
                        output.Add(key, session);
                    }
                    session = [t, t + _gapMs, .. _aggregates.NewBuffer()];
                }
                var buffer = session[2..];
                _aggregates.Update(buffer, row);
                Array.Copy(buffer, 0, session, 2, buffer.Length);
            }
            output.Add(key, session!);
        }
    }

    private byte[] GroupKeyOf(object?[] row)
    {
        var values = new object?[_keys.Length - 1];
        for (int k = 0, v = 0; k < _keys.Length; k++)
        {
            if (k != _sessionKey)
            {
                values[v++] = _keys[k].Scalar!.Evaluate(row);
            }
        }
        return RowCodec.Encode(values);
    }

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache) => new SessionWindowBatch(this, store);

    internal AggregateSet Aggregates => _aggregates;

    internal OutputMode Mode => _mode;

    /// <summary>An output row: the group key's values with the session window in its place, then the aggregates.</summary>
    internal object?[] OutputRow(object?[] groupKey, long startMs, long endMs, object?[] buffer)
    {
        var row = new object?[_keys.Length + _aggregates.Aggregates.Count];
        for (int k = 0, v = 0; k < _keys.Length; k++)
        {
            row[k] = k == _sessionKey ? new StructValue([EventTimes.FromMs(startMs), EventTimes.FromMs(endMs)]) : groupKey[v++];
        }
        _aggregates.EvaluateInto(buffer, row, _keys.Length);
        return row;
    }
}
