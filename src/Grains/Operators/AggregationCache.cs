namespace Sluice.Operators;

/// <summary>
/// What a streaming aggregation keeps in its key group's <see cref="OperatorCache"/>: the hot groups, typed when every
/// aggregate has a typed accumulator (<see cref="TypedHotGroups"/>) or as object buffers (<see cref="HotGroups"/>),
/// and, with a watermark on a key, when groups close.
/// </summary>
internal sealed record AggregationCache(HotGroups? Groups, TypedHotGroups? Typed, ClosingGroups? Closing) : IDisposable
{
    public void Dispose()
    {
        Groups?.Dispose();
        Typed?.Dispose();
    }
}
