using System.Runtime.CompilerServices;

namespace Sluice.Hosting;

/// <summary>
/// A full, compacting GC that gives its free memory back to the system, once the silo's stateful operators have removed
/// <see cref="SluiceOptions.CollectAfterRemovedRows"/> rows since the last one (an append-mode close removes a whole
/// window's groups at once). The close's groups, their output rows and their removes live through the batch, so most
/// are promoted before they die, and server GC then keeps them, and the memory it committed for them, for a whole
/// window: 3 GB of a 10M-key run's 6 GB peak was such garbage (BENCHMARKS.md). One collection per million removed rows
/// costs a pause of about the live heap's marking and copying, against a close of those rows that takes far longer
/// (a 10M-key close's eight key groups each passing the bound ran eight, BENCHMARKS.md: hence one per burst of commits).
/// </summary>
internal sealed class CollectionAfterRemoves(long rowsPerCollection, Action collect, Action<Action> defer)
{
    private static readonly ConditionalWeakTable<SluiceOptions, CollectionAfterRemoves> Silos = [];

    private readonly Lock _lock = new();
    private long _removed;
    private bool _pending;

    /// <summary>
    /// The silo's policy: one per options instance, which is one per silo. The collection runs half a second after
    /// the bound is passed, so the commits of a close's key groups (which come together) get one collection, not one each.
    /// </summary>
    public static CollectionAfterRemoves Of(SluiceOptions options) =>
        Silos.GetValue(options, static o => new CollectionAfterRemoves(o.CollectAfterRemovedRows, Collect,
            static run => _ = Task.Delay(TimeSpan.FromMilliseconds(500)).ContinueWith(_ => run(), TaskScheduler.Default)));

    /// <summary>Collections the silos' policies ran in this process (the state bench reports them).</summary>
    public static int CollectionsInProcess => Volatile.Read(ref s_collections);

    private static int s_collections;

    /// <summary>Counts the rows a key group's commit removed, and asks for a collection once they pass the bound.</summary>
    public void Removed(long rows)
    {
        if (rowsPerCollection == 0 || rows <= 0)
        {
            return;
        }
        lock (_lock)
        {
            _removed += rows;
            if (_removed < rowsPerCollection || _pending)
            {
                return;
            }
            _pending = true;
        }
        defer(Run);
    }

    private void Run()
    {
        lock (_lock)
        {
            // Rows removed while the collection waited are collected by it.
            (_removed, _pending) = (0, false);
        }
        collect();
    }

    private static void Collect()
    {
        Interlocked.Increment(ref s_collections);
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
