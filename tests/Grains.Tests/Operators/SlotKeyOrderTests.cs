using Sluice.Data;
using Sluice.Operators;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// <see cref="SlotKeyOrder.Sort"/> against the comparison it replaces (every pair of keys' bytes compared in full): the
/// same order for random sets of distinct keys, encoded rows of one window (q5's, W1's) and raw bytes that share long
/// prefixes, end within the 8 bytes it reads, are prefixes of each other or agree on those 8 bytes.
/// </summary>
public sealed class SlotKeyOrderTests
{
    private static readonly DateTime T0 = new(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Sort_GivesTheKeysByteOrder_OfRawKeys(int seed)
    {
        var random = new Random(seed);
        var order = new SlotKeyOrder();
        for (var round = 0; round < 300; round++)
        {
            // A shared prefix of 0-20 bytes, then 0-12 bytes from a small alphabet (many equal 8-byte runs, keys that
            // are prefixes of others), distinct.
            var prefix = Bytes(random, random.Next(21), alphabet: 256);
            var keys = new HashSet<string>();
            var list = new List<byte[]>();
            var count = random.Next(0, 200);
            while (list.Count < count)
            {
                var key = prefix.Concat(Bytes(random, random.Next(13), alphabet: 1 + random.Next(3))).ToArray();
                if (keys.Add(Convert.ToHexString(key)))
                {
                    list.Add(key);
                }
            }
            AssertSameOrder(order, list);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sort_GivesTheKeysByteOrder_OfEncodedKeysOfOneWindow(int seed)
    {
        var random = new Random(seed);
        var order = new SlotKeyOrder();
        for (var round = 0; round < 50; round++)
        {
            var window = new StructValue([T0.AddSeconds(2 * round), T0.AddSeconds((2 * round) + 10)]);
            // q5's auction ids (near each other, negative now and then) or W1's user ids (strings of varying length).
            var strings = round % 2 == 1;
            var list = Enumerable.Range(0, random.Next(1, 500))
                .Select(_ => strings ? (object)("user_" + random.Next(100_000)) : (long)random.Next(-50, 100_000) + 1_000_000L)
                .Distinct()
                .Select(value => RowCodec.Encode([window, value]))
                .ToList();
            AssertSameOrder(order, list);
        }
    }

    private static void AssertSameOrder(SlotKeyOrder order, List<byte[]> keys)
    {
        var slots = Enumerable.Range(0, keys.Count).OrderBy(_ => Guid.NewGuid()).ToList();
        var expected = slots.ToList();
        expected.Sort((a, b) => keys[a].AsSpan().SequenceCompareTo(keys[b]));
        order.Sort(slots, slot => keys[slot]);
        Assert.Equal(expected, slots);
    }

    private static byte[] Bytes(Random random, int length, int alphabet) =>
        [.. Enumerable.Range(0, length).Select(_ => (byte)(alphabet == 256 ? random.Next(256) : random.Next(alphabet) * 127))];
}
