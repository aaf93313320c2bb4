using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>
/// The late-rows sink: with the query option <c>lateRowsSink</c> set to a name, rows that reach the stateful operator
/// behind the watermark are written, with their batch, to a memory sink of that name instead of only being counted
/// (<c>numRowsDroppedByWatermark</c> counts them either way).
/// </summary>
internal static class LateRows
{
    public const string Option = SpecOptions.LateRowsSink;

    public static string? SinkName(QuerySpec spec) => spec.Options.TryGetValue(Option, out var name) && name.Length > 0 ? name : null;
}
