using System.Runtime.CompilerServices;

namespace Sluice.Hosting;

/// <summary>
/// A full, compacting GC after the silo's stateful operators have removed many rows since the last one (an append-mode
/// close removes a whole window's groups at once), when the heap after the last GC holds more garbage than live objects.
/// The close's groups, their output rows and their removes live through the batch, so most are promoted before they die,
/// and server GC then leaves them in gen2 for a whole window: 3 GB of a 10M-key run's 6 GB peak was such garbage
/// (BENCHMARKS.md). One collection per <see cref="SluiceOptions.CollectAfterRemovedRows"/> removed rows costs one pause of
/// about a live heap's marking against a close that takes far longer; a gen2 the runtime ran on its own starts the
/// count afresh.
/// </summary>
internal sealed class CollectionAfterRemoves
{
    private static readonly ConditionalWeakTable<SluiceOptions, CollectionAfterRemoves> Silos = [];

    private readonly long _rowsPerCollection;
    private readonly Func<HeapAfterGc> _heap;
    private readonly Action _collect;
    private readonly Lock _lock = new();
    private long _removed;
    private int _gen2Seen;

    internal CollectionAfterRemoves(long rowsPerCollection, Func<HeapAfterGc> heap, Action collect)
    {
        _rowsPerCollection = rowsPerCollection;
        _heap = heap;
        _collect = collect;
    }

    /// <summary>The silo's policy: one per options instance, which is one per silo.</summary>
    public static CollectionAfterRemoves Of(SluiceOptions options) =>
        Silos.GetValue(options, static o => new CollectionAfterRemoves(o.CollectAfterRemovedRows, HeapAfterGc.Read,
            static () => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true)));

    /// <summary>Collections this policy asked for.</summary>
    public int Collections { get; private set; }

    /// <summary>Counts the rows a key group's commit removed, and collects once they pass the bound and the heap is mostly garbage.</summary>
    public void Removed(long rows)
    {
        if (_rowsPerCollection == 0 || rows <= 0)
        {
            return;
        }
        lock (_lock)
        {
            var heap = _heap();
            if (heap.Gen2Collections != _gen2Seen)
            {
                (_gen2Seen, _removed) = (heap.Gen2Collections, 0);
            }
            _removed += rows;
            if (_removed < _rowsPerCollection || !heap.MostlyGarbage)
            {
                return;
            }
            _removed = 0;
            Collections++;
            _collect();
            _gen2Seen = _heap().Gen2Collections;
        }
    }
}

/// <summary>
/// The heap as the last GC left it: its size (without free space) and what the last full GC found live.
/// </summary>
/// <param name="HeapBytes">The heap's size after the last GC of any kind, without its fragmentation.</param>
/// <param name="LiveAtLastFullBytes">The bytes the last full (gen2) GC kept; null before the first.</param>
/// <param name="Gen2Collections">The process's gen2 collections so far.</param>
internal readonly record struct HeapAfterGc(long HeapBytes, long? LiveAtLastFullBytes, int Gen2Collections)
{
    /// <summary>More than half the heap is dead (or no full GC ran yet, so nothing says otherwise).</summary>
    public bool MostlyGarbage => LiveAtLastFullBytes is not { } live || HeapBytes > 2 * live;

    public static HeapAfterGc Read()
    {
        var last = GC.GetGCMemoryInfo(GCKind.Any);
        var (blocking, background) = (GC.GetGCMemoryInfo(GCKind.FullBlocking), GC.GetGCMemoryInfo(GCKind.Background));
        var full = blocking.Index >= background.Index ? blocking : background;
        return new HeapAfterGc(last.HeapSizeBytes - last.FragmentedBytes, full.Index == 0 ? null : full.PromotedBytes, GC.CollectionCount(2));
    }
}
