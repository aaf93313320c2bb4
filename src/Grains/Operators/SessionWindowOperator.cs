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
/// row keyed by the group key and its start. Append emits a session once the watermark passes its end; complete emits
/// every session (update mode is refused, as Spark since SPARK-36463); rows whose own session would already be closed
/// are late, in every mode (Spark's SessionWindowStateStoreRestoreExec filters them whatever the mode).
/// </summary>
internal sealed class SessionWindowOperator : IStatefulOperator
{
    private readonly GroupKey[] _keys;
    private readonly int _sessionKey;
    private readonly int _timeIndex;
    private readonly long _gapMs;
    private readonly Expressions.CompiledExpression? _gapExpression;
    private readonly AggregateSet _aggregates;
    private readonly OutputMode _mode;
    private readonly bool _hasWatermark;
    private readonly IReadOnlyDictionary<string, string> _description;

    public IReadOnlyDictionary<string, string> Describe() => _description;

    public SessionWindowOperator(int index, IReadOnlyList<GroupKey> keys, int sessionKey, AggregateSet aggregates, OutputMode mode, WatermarkColumn? watermark, IReadOnlyDictionary<string, string> description)
    {
        Index = index;
        _description = description;
        _keys = [.. keys];
        _sessionKey = sessionKey;
        _timeIndex = keys[sessionKey].TimeIndex;
        _gapMs = (long)keys[sessionKey].Session!.Gap.TotalMilliseconds;
        _gapExpression = keys[sessionKey].SessionGap;
        _aggregates = aggregates;
        _mode = mode;
        _hasWatermark = watermark is not null && watermark.Index == _timeIndex;
        OutputSchema = new StreamSchema([.. _keys.Select(k => new Column(k.Name, k.Type)), .. aggregates.Aggregates.Select(a => new Column(a.Name, a.Function.ResultType))]);
    }

    public int Index { get; }

    public string Name => "sessionWindowStateStoreSaveExec";

    /// <summary>Spark's <c>SessionWindowStateStoreSaveExec</c>: in append and update mode only.</summary>
    public bool NeedsBatchWhenWatermarkMoves => _mode != OutputMode.Complete;

    public StreamSchema OutputSchema { get; }

    /// <summary>Whether the watermark is on the session's time column, so sessions can close (append mode needs it).</summary>
    public bool HasWatermarkOnKey => _hasWatermark;

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var byKey = new Dictionary<byte[], List<(long Time, long End, object?[] Row)>>(ByteKeyComparer.Instance);
        foreach (var row in rows)
        {
            if (row[_timeIndex] is not DateTime time)
            {
                continue;
            }
            var t = EventTimes.ToMs(time);
            if (GapMs(row) is not { } gap)
            {
                continue;
            }
            if (_hasWatermark && t + gap <= context.WatermarkMs)
            {
                late.Add(row);
                continue;
            }
            var key = GroupKeyOf(row);
            if (!byKey.TryGetValue(key, out var events))
            {
                byKey[key] = events = [];
            }
            events.Add((t, t + gap, row));
        }
        foreach (var (key, events) in byKey)
        {
            events.Sort((a, b) => a.Time.CompareTo(b.Time));
            object?[]? session = null;
            foreach (var (t, end, row) in events)
            {
                if (session is not null && t <= (long)session[1]!)
                {
                    session[1] = Math.Max((long)session[1]!, end);
                }
                else
                {
                    if (session is not null)
                    {
                        output.Add(key, session);
                    }
                    session = [t, end, .. _aggregates.NewBuffer()];
                }
                var buffer = session[2..];
                _aggregates.Update(buffer, row);
                Array.Copy(buffer, 0, session, 2, buffer.Length);
            }
            output.Add(key, session!);
        }
    }

    /// <summary>
    /// The row's gap in ms, or null when the row opens no session: as Spark's SessionWindowing, a gap that is NULL, not a
    /// duration, zero or negative drops the row (it is not late, so it is not counted).
    /// </summary>
    private long? GapMs(object?[] row)
    {
        if (_gapExpression is null)
        {
            return _gapMs;
        }
        if (_gapExpression.Evaluate(row) is not string text)
        {
            return null;
        }
        var trimmed = text.Trim();
        var negative = trimmed.StartsWith('-');
        if (!Spec.Durations.TryParse(negative ? trimmed[1..] : trimmed, out var gap))
        {
            return null;
        }
        var ms = (long)gap.TotalMilliseconds;
        return negative || ms <= 0 ? null : ms;
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
