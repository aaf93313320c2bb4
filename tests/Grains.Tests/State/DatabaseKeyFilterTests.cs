using System.Text;
using Sluice.State;

namespace Sluice.Tests.State;

public sealed class DatabaseKeyFilterTests
{
    [Fact]
    public void EveryAddedKey_MayBeContained_AndFewOthersAre()
    {
        var filter = new DatabaseKeyFilter();
        var capacity = (int)filter.Capacity;
        for (var i = 0; i < capacity; i++)
        {
            filter.Add(Key("window-7/user-", i));
        }

        Assert.All(Enumerable.Range(0, capacity), i => Assert.True(filter.MayContain(Key("window-7/user-", i))));
        // Keys that differ from the added ones only in a digit or the window.
        var positives = Enumerable.Range(capacity, 100_000).Count(i => filter.MayContain(Key("window-7/user-", i)))
            + Enumerable.Range(0, 100_000).Count(i => filter.MayContain(Key("window-8/user-", i)));
        Assert.InRange(positives, 0, 200_000 * 5 / 100);
    }

    [Fact]
    public void KeysAddedAgain_DoNotCountTowardsTheRebuild_NewKeysPastTheCapacityDo()
    {
        var filter = new DatabaseKeyFilter();
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < filter.Capacity / 2; i++)
            {
                filter.Add(Key("k", i));
            }
        }
        Assert.False(filter.NeedsRebuild);
        for (var i = (int)filter.Capacity / 2; i < 2 * filter.Capacity; i++)
        {
            filter.Add(Key("k", i));
        }
        Assert.True(filter.NeedsRebuild);

        filter.Reset(10 * DatabaseKeyFilter.MinCapacity);
        Assert.False(filter.NeedsRebuild);
        Assert.False(filter.MayContain(Key("k", 1)) && filter.MayContain(Key("k", 2)) && filter.MayContain(Key("k", 3)));
    }

    private static byte[] Key(string prefix, int i) => Encoding.UTF8.GetBytes($"{prefix}{i}");
}
