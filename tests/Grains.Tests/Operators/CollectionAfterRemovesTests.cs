using Sluice.Hosting;

namespace Sluice.Tests.Operators;

/// <summary>
/// The full GC after a close: once per bound of rows the silo's stateful operators removed, counted afresh after each,
/// and one for a burst of key groups' commits that each pass it.
/// </summary>
public sealed class CollectionAfterRemovesTests
{
    private readonly List<Action> _deferred = [];
    private int _collected;

    private CollectionAfterRemoves Policy(long rows) => new(rows, () => _collected++, _deferred.Add);

    private void RunDeferred()
    {
        var runs = _deferred.ToList();
        _deferred.Clear();
        runs.ForEach(run => run());
    }

    [Fact]
    public void RemovesPastTheBound_CollectOnce_ThenCountAfresh()
    {
        var policy = Policy(rows: 1_000);
        policy.Removed(600);
        Assert.Empty(_deferred);
        policy.Removed(600);
        RunDeferred();
        Assert.Equal(1, _collected);
        policy.Removed(600);
        RunDeferred();
        Assert.Equal(1, _collected);
        policy.Removed(400);
        RunDeferred();
        Assert.Equal(2, _collected);
    }

    [Fact]
    public void AClosesKeyGroups_EachPastTheBound_GetOneCollection()
    {
        var policy = Policy(rows: 1_000);
        for (var keyGroup = 0; keyGroup < 8; keyGroup++)
        {
            policy.Removed(1_250);
        }
        Assert.Single(_deferred);
        RunDeferred();
        Assert.Equal(1, _collected);
        // The rows removed while it waited were collected by it: the count starts afresh.
        policy.Removed(999);
        Assert.Empty(_deferred);
    }

    [Fact]
    public void ZeroRows_TurnsThePolicyOff()
    {
        var policy = Policy(rows: 0);
        policy.Removed(long.MaxValue / 2);
        Assert.Empty(_deferred);
    }

    [Fact]
    public void ANegativeBound_IsRejectedNamingTheSetting()
    {
        var options = new SluiceOptions { CollectAfterRemovedRows = -1 };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Sluice:CollectAfterRemovedRows", error.Message);
    }

    [Fact]
    public async Task TheSilosPolicy_RunsAGen2()
    {
        var options = new SluiceOptions { CollectAfterRemovedRows = 10 };
        var policy = CollectionAfterRemoves.Of(options);
        Assert.Same(policy, CollectionAfterRemoves.Of(options));
        var ran = CollectionAfterRemoves.CollectionsInProcess;
        policy.Removed(10);
        // The silo's collection is deferred a moment: wait for it (bounded, so a policy that never runs fails).
        for (var i = 0; i < 600 && CollectionAfterRemoves.CollectionsInProcess == ran; i++)
        {
            await Task.Delay(50);
        }
        Assert.True(CollectionAfterRemoves.CollectionsInProcess > ran);
    }
}
