using System.Globalization;
using Sluice.Processing;

namespace Sluice.Processing.BuiltIn;

/// <summary>The mapGroupsWithState form: one row per call, <c>"-1"</c> when the count reaches 3 and the key is forgotten.</summary>
public sealed class MapRunningCountRemoveAtThree : StatefulProcessor<long>
{
    public override string Name => "MapRunningCountRemoveAtThree";

    public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } = [("key", "string"), ("value", "string")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
    {
        var count = (state.TryGet(out var c) ? c : 0) + rows.Count;
        if (count == 3)
        {
            state.Remove();
            return [[key[0]?.ToString(), "-1"]];
        }
        state.Update(count);
        return [[key[0]?.ToString(), count.ToString(CultureInfo.InvariantCulture)]];
    }
}
