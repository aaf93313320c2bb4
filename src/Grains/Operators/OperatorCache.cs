namespace Sluice.Operators;

/// <summary>
/// What an operator keeps beside a key group's store between batches (the timer index). The window grain drops it
/// whenever the store's working version is thrown away or the store reopens, so it never disagrees with the store.
/// </summary>
internal sealed class OperatorCache
{
    public object? Value { get; set; }
}
