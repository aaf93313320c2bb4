using System.Globalization;
using Sluice.Processing;

namespace Sluice.Processing.BuiltIn;

/// <summary>Counts rows per key; at exactly 3 it forgets the key and emits nothing. No timeout.</summary>
public sealed class RunningCountRemoveAtThree : StatefulProcessor<long>
{
    public override string Name => "RunningCountRemoveAtThree";

    public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } = [("key", "string"), ("value", "string")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
    {
        var count = (state.TryGet(out var c) ? c : 0) + rows.Count;
        if (count == 3)
        {
            state.Remove();
            yield break;
        }
        state.Update(count);
        yield return [key[0]?.ToString(), count.ToString(CultureInfo.InvariantCulture)];
    }
}
