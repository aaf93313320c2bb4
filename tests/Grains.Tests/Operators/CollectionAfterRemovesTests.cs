using Sluice.Hosting;

namespace Sluice.Tests.Operators;

/// <summary>
/// The full GC after a close: asked for once the silo's removed rows pass the bound and the heap after the last GC is
/// more than twice what the last full GC kept; never for a heap mostly live, and counted afresh after any gen2.
/// </summary>
public sealed class CollectionAfterRemovesTests
{
    private HeapAfterGc _heap = new(HeapBytes: 3_000, LiveAtLastFullBytes: 1_000, Gen2Collections: 4);
    private int _collected;

    private CollectionAfterRemoves Policy(long rows) => new(rows, () => _heap, () =>
    {
        _collected++;
        _heap = _heap with { HeapBytes = 1_000, Gen2Collections = _heap.Gen2Collections + 1 };
    });

    [Fact]
    public void RemovesPastTheBound_OverAHeapMostlyGarbage_CollectOnce()
    {
        var policy = Policy(rows: 1_000);
        policy.Removed(600);
        Assert.Equal(0, _collected);
        policy.Removed(600);
        Assert.Equal(1, _collected);
        Assert.Equal(1, policy.Collections);
        // The count starts afresh after the collection: 600 more rows are below the bound again.
        _heap = _heap with { HeapBytes = 3_000 };
        policy.Removed(600);
        Assert.Equal(1, _collected);
        policy.Removed(400);
        Assert.Equal(2, _collected);
    }

    [Fact]
    public void AHeapMostlyLive_IsNotCollected()
    {
        _heap = _heap with { HeapBytes = 1_900 };
        var policy = Policy(rows: 1_000);
        policy.Removed(5_000);
        Assert.Equal(0, _collected);
        // Garbage grows past the live bytes: the rows already counted are enough.
        _heap = _heap with { HeapBytes = 2_100 };
        policy.Removed(1);
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void AGen2OfTheRuntime_StartsTheCountAfresh()
    {
        var policy = Policy(rows: 1_000);
        policy.Removed(900);
        _heap = _heap with { Gen2Collections = _heap.Gen2Collections + 1 };
        policy.Removed(900);
        Assert.Equal(0, _collected);
        policy.Removed(100);
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void ZeroRows_TurnsThePolicyOff()
    {
        var policy = Policy(rows: 0);
        policy.Removed(long.MaxValue / 2);
        Assert.Equal(0, _collected);
    }

    [Fact]
    public void NoFullGcYet_CountsAsGarbage() =>
        Assert.True(new HeapAfterGc(HeapBytes: 10, LiveAtLastFullBytes: null, Gen2Collections: 0).MostlyGarbage);

    [Fact]
    public void ANegativeBound_IsRejectedNamingTheSetting()
    {
        var options = new SluiceOptions { CollectAfterRemovedRows = -1 };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Sluice:CollectAfterRemovedRows", error.Message);
    }

    [Fact]
    public void TheSilosPolicy_RunsARealCollection()
    {
        var options = new SluiceOptions { CollectAfterRemovedRows = 1 };
        var policy = CollectionAfterRemoves.Of(options);
        Assert.Same(policy, CollectionAfterRemoves.Of(options));
        var before = GC.CollectionCount(2);
        // Whether this process's heap is mostly garbage is the runtime's; what holds either way is that a collection
        // the policy asked for is a gen2 the runtime ran.
        policy.Removed(1);
        Assert.True(policy.Collections == 0 || GC.CollectionCount(2) > before);
    }
}
