using System.Text;
using Sluice.State.Encoding;

namespace Sluice.Tests.Aggregation;

public class StableHash64Tests
{
    [Theory]
    [InlineData("", 0UL, 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0UL, 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0UL, 0x44BC2CF5AD770999UL)]
    public void XxHash64_MatchesPublishedVectors(string text, ulong seed, ulong expected) =>
        Assert.Equal(expected, StableHash64.XxHash64(Encoding.ASCII.GetBytes(text), seed));

    [Fact]
    public void XxHash64_MatchesSystemIoHashingForEveryLengthAndSeed()
    {
        var random = new Random(7);
        for (var length = 0; length < 200; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            foreach (var seed in new[] { 0L, 42L, -1L })
            {
                Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(data, seed), StableHash64.XxHash64(data, unchecked((ulong)seed)));
            }
        }
    }

    // Pinned: a change of RowCodec's bytes or of the hash moves every key of every existing checkpoint to another
    // key group, so these numbers must only change with a checkpoint format version.
    [Theory]
    [InlineData("user-1", 53)]
    [InlineData("user-2", 22)]
    [InlineData("", 30)]
    [InlineData(42, 46)]
    public void KeyGroupOf_FixedKeys_GiveFixedGroupsInEveryProcess(object key, int group) =>
        Assert.Equal(group, RowCodec.KeyGroupOf(RowCodec.Encode([key]), 64));

    [Fact]
    public void KeyGroupOf_WindowAndProductKey_IsPinned()
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var key = RowCodec.Encode([new Sluice.Data.StructValue([start, start.AddMinutes(5)]), "product-7"]);
        Assert.Equal(PinnedWindowKeyGroup, RowCodec.KeyGroupOf(key, 200));
        Assert.Equal(0, RowCodec.KeyGroupOf(key, 1));
    }

    [Fact]
    public void KeyGroupOf_ManyKeys_SpreadEvenlyOverGroups()
    {
        const int groups = 16;
        const int keys = 16_000;
        var counts = new int[groups];
        for (var i = 0; i < keys; i++)
        {
            counts[RowCodec.KeyGroupOf(RowCodec.Encode([$"user-{i}", i % 7]), groups)]++;
        }
        Assert.All(counts, count => Assert.InRange(count, keys / groups * 0.9, keys / groups * 1.1));
    }

    [Fact]
    public void KeyGroupOf_NonPositiveGroupCount_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RowCodec.KeyGroupOf([0], 0));

    private const int PinnedWindowKeyGroup = 63;
}
