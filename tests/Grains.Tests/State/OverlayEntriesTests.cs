using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>The working version's changes, kept in a hash map and put in key order only when iterated.</summary>
public sealed class OverlayEntriesTests
{
    /// <param name="scanEvery">One prefix scan per this many sets on average: rare scans walk the unsorted keys,
    /// frequent ones switch the overlay to a sorted set.</param>
    [Theory]
    [InlineData(50)]
    [InlineData(2000)]
    public void InterleavedSetsAndIterations_GiveTheEntriesOfASortedMap_InUnsignedKeyOrder(int scanEvery)
    {
        var random = new Random(3);
        var overlay = new OverlayEntries();
        var expected = new SortedDictionary<byte[], byte[]?>(StateKeys.Comparer);
        for (var step = 0; step < 4000; step++)
        {
            var key = new byte[random.Next(0, 4)];
            random.NextBytes(key);
            byte[]? value = random.Next(4) == 0 ? null : [(byte)random.Next(256)];
            overlay.Set(key, value, SortedEntries.Entry.UnknownLength);
            expected[key] = value;
            if (random.Next(300) == 0)
            {
                Assert.Equal(expected.Select(Describe), overlay.Sorted().ToArray().Select(e => Describe(new(e.Key, e.Value))));
            }
            if (random.Next(scanEvery) == 0)
            {
                var prefix = new byte[random.Next(0, 2)];
                random.NextBytes(prefix);
                Assert.Equal(
                    expected.Where(e => e.Key.AsSpan().StartsWith(prefix)).Select(Describe),
                    overlay.CopyRange(prefix).Select(Describe));
            }
        }
        Assert.Equal(expected.Select(Describe), overlay.Sorted().ToArray().Select(e => Describe(new(e.Key, e.Value))));
        Assert.Equal(expected.Count, overlay.Count);
        Assert.Equal(expected.Sum(e => e.Key.Length + (e.Value?.Length ?? 0)), overlay.PayloadBytes);
    }

    [Fact]
    public void CommittedLength_IsKeptFromTheFirstChangeOfAKey()
    {
        var overlay = new OverlayEntries();
        overlay.Set([1], [1, 2], committedLength: 5);
        overlay.Set([1], null, committedLength: 9);
        var entry = Assert.Single(overlay.Sorted().ToArray());
        Assert.Equal(5, entry.CommittedLength);
        Assert.Null(entry.Value);
    }

    /// <summary>
    /// Keys built to trip an integer-prefix sort: long shared prefixes (runs tie on their first integers and sort again
    /// deeper), keys that are prefixes of others, zero bytes where padding would be, and lengths either side of 7 and 8
    /// bytes past the shared part.
    /// </summary>
    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 200)]
    [InlineData(2, 5000)]
    public void KeyPrefixSort_OrdersKeysAsUnsignedBytes(int seed, int count)
    {
        var random = new Random(seed);
        var keys = new HashSet<byte[]>(Sluice.Operators.ByteKeyComparer.Instance);
        byte[][] stems = [[], [9, 2, 7, 0, 10, 236, 99, 208, 72, 222, 8, 7, 0, 104], [9, 2, 7, 0, 11, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]];
        while (keys.Count < count)
        {
            var stem = stems[random.Next(stems.Length)];
            var tail = new byte[random.Next(0, 20)];
            for (var i = 0; i < tail.Length; i++)
            {
                tail[i] = random.Next(3) switch { 0 => 0, 1 => (byte)random.Next(4), _ => (byte)random.Next(256) };
            }
            keys.Add([.. stem, .. tail]);
        }
        // A key and its extensions by zero bytes: equal integers when padded, so only their lengths order them.
        for (var zeros = 0; zeros < 40; zeros++)
        {
            keys.Add([.. stems[1], 5, .. new byte[zeros]]);
        }
        var entries = keys.Select(k => new SortedEntries.Entry(k, null)).ToArray();
        random.Shuffle(entries);

        KeyPrefixSort.Sort(entries);

        Assert.Equal(keys.Order(StateKeys.Comparer).Select(Convert.ToHexString), entries.Select(e => Convert.ToHexString(e.Key)));
    }

    /// <summary>
    /// Aggregation keys as a commit sorts them: a few windows of many groups, so the top run's integers split the
    /// windows and tie within each, and every tie is a run long enough for the radix sort, sorted again deeper.
    /// </summary>
    [Theory]
    [InlineData(3, 3, 20_000)]
    [InlineData(4, 1, 3_000)]
    public void KeyPrefixSort_OrdersManyKeysOfFewWindows(int seed, int windows, int count)
    {
        var random = new Random(seed);
        var keys = new HashSet<byte[]>(Sluice.Operators.ByteKeyComparer.Instance);
        while (keys.Count < count)
        {
            byte[] key = [9, 2, 7, 0, 10, 0, 0, 1, 140, 77, (byte)random.Next(windows), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
                .. Enumerable.Range(0, random.Next(4, 10)).Select(_ => (byte)random.Next(random.Next(2) == 0 ? 3 : 256))];
            keys.Add(key);
        }
        var entries = keys.Select(k => new SortedEntries.Entry(k, null)).ToArray();
        random.Shuffle(entries);

        KeyPrefixSort.Sort(entries);

        Assert.Equal(keys.Order(StateKeys.Comparer).Select(Convert.ToHexString), entries.Select(e => Convert.ToHexString(e.Key)));
    }

    private static string Describe(KeyValuePair<byte[], byte[]?> e) => Convert.ToHexString(e.Key) + "=" + (e.Value is null ? "-" : Convert.ToHexString(e.Value));
}
