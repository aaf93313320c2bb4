namespace Sluice.Operators;

/// <summary>What a streaming aggregation keeps in its key group's <see cref="OperatorCache"/>: the hot groups and, with a watermark on a key, when groups close.</summary>
internal sealed record AggregationCache(HotGroups Groups, ClosingGroups? Closing) : IDisposable
{
    public void Dispose() => Groups.Dispose();
}
