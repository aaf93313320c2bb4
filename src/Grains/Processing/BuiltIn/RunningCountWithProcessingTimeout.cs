using System.Globalization;
using Sluice.Processing;

namespace Sluice.Processing.BuiltIn;

/// <summary>Counts rows per key and resets after 10 seconds of processing time without data, emitting <c>"-1"</c>.</summary>
public sealed class RunningCountWithProcessingTimeout : StatefulProcessor<long>
{
    public override string Name => "RunningCountWithProcessingTimeout";

    public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } = [("key", "string"), ("value", "string")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
    {
        if (state.HasTimedOut)
        {
            state.Remove();
            yield return [key[0]?.ToString(), "-1"];
            yield break;
        }
        var count = (state.TryGet(out var c) ? c : 0) + rows.Count;
        state.Update(count);
        state.SetTimeoutDuration(TimeSpan.FromSeconds(10));
        yield return [key[0]?.ToString(), count.ToString(CultureInfo.InvariantCulture)];
    }
}
