using System.Runtime.CompilerServices;
using Sluice.Hosting;

namespace Sluice.Operators;

/// <summary>
/// How many decoded state entries the operator caches of one silo may hold together (<see cref="HotGroups"/>), so hot
/// state stays bounded however many key groups the silo hosts; beyond it operators read the store as before. Shared by
/// every key group of the silo and taken from several grains at once, hence the interlocked counter.
/// </summary>
internal sealed class StateCacheBudget(long maxEntries)
{
    private static readonly ConditionalWeakTable<SluiceOptions, StateCacheBudget> Budgets = [];
    private long _used;

    /// <summary>No bound (unit tests that run operators by hand).</summary>
    public static StateCacheBudget Unbounded { get; } = new(long.MaxValue);

    public long MaxEntries => maxEntries;

    public long Used => Interlocked.Read(ref _used);

    /// <summary>Entries that can still be taken.</summary>
    public long Available => Math.Max(0, maxEntries - Used);

    /// <summary>The silo's budget: one per options instance, which is one per silo.</summary>
    public static StateCacheBudget Of(SluiceOptions options) => Budgets.GetValue(options, static o => new StateCacheBudget(o.StateCacheMaxEntries));

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _used) <= maxEntries)
        {
            return true;
        }
        Interlocked.Decrement(ref _used);
        return false;
    }

    public void Release(long entries) => Interlocked.Add(ref _used, -entries);
}
