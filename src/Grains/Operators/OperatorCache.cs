namespace Sluice.Operators;

/// <summary>
/// What an operator keeps beside a key group's store between batches (timer and closing indexes, decoded hot state).
/// It mirrors the committed store: the window grain drops it (<see cref="Dispose"/>) whenever the store's working
/// version is thrown away, the plan changes or the store reopens, so it never disagrees with the store and never
/// holds an aborted attempt's changes.
/// </summary>
internal sealed class OperatorCache(StateCacheBudget? budget = null) : IDisposable
{
    public object? Value { get; set; }

    /// <summary>The silo's bound on cached state entries, which the operator's hot state counts against.</summary>
    public StateCacheBudget Budget { get; } = budget ?? StateCacheBudget.Unbounded;

    /// <summary>Gives the cached entries back to the budget.</summary>
    public void Dispose()
    {
        (Value as IDisposable)?.Dispose();
        Value = null;
    }
}
