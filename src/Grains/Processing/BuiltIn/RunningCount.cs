using Sluice.Processing;

namespace Sluice.Processing.BuiltIn;

/// <summary>Counts rows per key: emits <c>(key, count)</c> for every key with rows. No timeout.</summary>
public sealed class RunningCount : StatefulProcessor<long>
{
    public override string Name => "RunningCount";

    public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } = [("key", "string"), ("count", "bigint")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
    {
        var count = (state.TryGet(out var c) ? c : 0) + rows.Count;
        state.Update(count);
        yield return [key[0]?.ToString(), count];
    }
}
