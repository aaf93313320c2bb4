using Sluice.Hosting;

namespace Sluice.Tests.Operators;

/// <summary>The full GC after a close: once per bound of rows the silo's stateful operators removed, counted afresh after each.</summary>
public sealed class CollectionAfterRemovesTests
{
    private int _collected;

    [Fact]
    public void RemovesPastTheBound_CollectOnce_ThenCountAfresh()
    {
        var policy = new CollectionAfterRemoves(1_000, () => _collected++);
        policy.Removed(600);
        Assert.Equal(0, _collected);
        policy.Removed(600);
        Assert.Equal(1, _collected);
        policy.Removed(600);
        Assert.Equal(1, _collected);
        policy.Removed(400);
        Assert.Equal(2, _collected);
    }

    [Fact]
    public void ZeroRows_TurnsThePolicyOff()
    {
        var policy = new CollectionAfterRemoves(0, () => _collected++);
        policy.Removed(long.MaxValue / 2);
        Assert.Equal(0, _collected);
    }

    [Fact]
    public void ANegativeBound_IsRejectedNamingTheSetting()
    {
        var options = new SluiceOptions { CollectAfterRemovedRows = -1 };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Sluice:CollectAfterRemovedRows", error.Message);
    }

    [Fact]
    public void TheSilosPolicy_RunsAGen2()
    {
        var options = new SluiceOptions { CollectAfterRemovedRows = 10 };
        var policy = CollectionAfterRemoves.Of(options);
        Assert.Same(policy, CollectionAfterRemoves.Of(options));
        var (gen2, ran) = (GC.CollectionCount(2), CollectionAfterRemoves.CollectionsInProcess);
        policy.Removed(10);
        Assert.True(GC.CollectionCount(2) > gen2);
        Assert.True(CollectionAfterRemoves.CollectionsInProcess > ran);
    }
}
