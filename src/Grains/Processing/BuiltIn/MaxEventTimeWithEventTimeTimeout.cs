using Sluice.Processing;

namespace Sluice.Processing.BuiltIn;

/// <summary>Tracks the maximum event time per key (epoch seconds) and expires the key 5 seconds of event time after it.</summary>
public sealed class MaxEventTimeWithEventTimeTimeout : StatefulProcessor<long>
{
    public override string Name => "MaxEventTimeWithEventTimeTimeout";

    public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } = [("key", "string"), ("value", "int")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
    {
        if (state.HasTimedOut)
        {
            state.Remove();
            yield return [key[0]?.ToString(), -1];
            yield break;
        }
        var max = rows.Max(r => (long)Math.Floor((r.Get<DateTime>("eventTime") - DateTime.UnixEpoch).TotalSeconds));
        var maxEventTimeSec = Math.Max(max, state.TryGet(out var s) ? s : 0);
        state.Update(maxEventTimeSec);
        state.SetTimeoutTimestamp((maxEventTimeSec + 5) * 1000);
        yield return [key[0]?.ToString(), (int)maxEventTimeSec];
    }
}
