using System.Runtime.CompilerServices;

namespace Sluice.Hosting;

/// <summary>
/// A full, compacting GC that gives its free memory back to the system, once the silo's stateful operators have removed
/// <see cref="SluiceOptions.CollectAfterRemovedRows"/> rows since the last one (an append-mode close removes a whole
/// window's groups at once). The close's groups, their output rows and their removes live through the batch, so most
/// are promoted before they die, and server GC then keeps them, and the memory it committed for them, for a whole
/// window: 3 GB of a 10M-key run's 6 GB peak was such garbage (BENCHMARKS.md). One collection per million removed rows
/// costs a pause of about the live heap's marking and copying, against a close of those rows that takes far longer.
/// </summary>
internal sealed class CollectionAfterRemoves(long rowsPerCollection, Action collect)
{
    private static readonly ConditionalWeakTable<SluiceOptions, CollectionAfterRemoves> Silos = [];

    private readonly Lock _lock = new();
    private long _removed;

    /// <summary>The silo's policy: one per options instance, which is one per silo.</summary>
    public static CollectionAfterRemoves Of(SluiceOptions options) =>
        Silos.GetValue(options, static o => new CollectionAfterRemoves(o.CollectAfterRemovedRows, Collect));

    /// <summary>Collections the silos' policies ran in this process (the state bench reports them).</summary>
    public static int CollectionsInProcess => Volatile.Read(ref s_collections);

    private static int s_collections;

    /// <summary>Counts the rows a key group's commit removed, and collects once they pass the bound.</summary>
    public void Removed(long rows)
    {
        if (rowsPerCollection == 0 || rows <= 0)
        {
            return;
        }
        lock (_lock)
        {
            _removed += rows;
            if (_removed < rowsPerCollection)
            {
                return;
            }
            _removed = 0;
            collect();
        }
    }

    private static void Collect()
    {
        Interlocked.Increment(ref s_collections);
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
