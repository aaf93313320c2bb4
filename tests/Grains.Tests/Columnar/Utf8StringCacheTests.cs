using System.Text;
using Sluice.Sources.Parsing;
using Sluice.State.Encoding;

namespace Sluice.Tests.Columnar;

public sealed class Utf8StringCacheTests
{
    [Fact]
    public void TwoStringsOfOneSlotPair_AreBothHeld()
    {
        // Two ids whose hashes agree in every bit a 2-slot cache looks at: direct-mapped, the second would evict the first.
        var (a, b) = TwoIdsOfOneSlot(slotBits: 1);
        var strings = new Utf8StringCache(2);

        strings.Add(Encoding.ASCII.GetBytes(a), a);
        strings.Add(Encoding.ASCII.GetBytes(b), b);

        Assert.Same(a, strings.Find(Encoding.ASCII.GetBytes(a)));
        Assert.Same(b, strings.Find(Encoding.ASCII.GetBytes(b)));
    }

    [Fact]
    public void AThirdStringOfAPair_EvictsTheOldest()
    {
        var strings = new Utf8StringCache(2);
        foreach (var id in new[] { "user-1", "user-2", "user-3" })
        {
            strings.Add(Encoding.ASCII.GetBytes(id), id);
        }

        Assert.Null(strings.Find("user-1"u8));
        Assert.Equal("user-2", strings.Find("user-2"u8));
        Assert.Equal("user-3", strings.Find("user-3"u8));
    }

    [Fact]
    public void AStringNotHeld_IsNotFound_EvenWhereItsPairHoldsOthers()
    {
        var strings = new Utf8StringCache(2);
        strings.Add("user-1"u8, "user-1");

        Assert.Null(strings.Find("user-2"u8));
        Assert.Null(strings.Find(""u8));
    }

    [Fact]
    public void PairOf_IsNoneForStringsItDoesNotHold_AndPrefetchOfNoneOrAnyPairIsHarmless()
    {
        var strings = new Utf8StringCache(4);
        strings.Add("user-1"u8, "user-1");

        Assert.Equal(-1, strings.PairOf(""u8));
        Assert.Equal(-1, strings.PairOf(new byte[49]));
        var pair = strings.PairOf("user-1"u8);
        Assert.True(pair is 0 or 2);
        foreach (var p in new[] { -1, 0, 2 })
        {
            strings.Prefetch(p, step: 0);
            strings.Prefetch(p, step: 1);
        }
        Assert.Equal("user-1", strings.Find("user-1"u8));
    }

    [Fact]
    public void ASlotCountBelowOnePair_IsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => new Utf8StringCache(1));

    private static (string A, string B) TwoIdsOfOneSlot(int slotBits)
    {
        var mask = (1UL << slotBits) - 1;
        var first = "user-0";
        var firstSlot = StableHash64.XxHash64(Encoding.ASCII.GetBytes(first)) & mask;
        for (var i = 1; ; i++)
        {
            var id = $"user-{i}";
            if ((StableHash64.XxHash64(Encoding.ASCII.GetBytes(id)) & mask) == firstSlot)
            {
                return (first, id);
            }
        }
    }
}
