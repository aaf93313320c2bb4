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
    /// Many versions on one overlay, each ended by a clear (a commit or an abort), against a fresh sorted map per version:
    /// the entries reused from earlier versions never show an earlier key, value or committed length, whether the
    /// version is smaller or larger than the last, scanned rarely or often enough to switch to the sorted set.
    /// </summary>
    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 2000)]
    public void EntriesReusedAcrossVersions_ShowOnlyTheCurrentVersion(int seed, int scanEvery)
    {
        var random = new Random(seed);
        var overlay = new OverlayEntries();
        for (var version = 0; version < 40; version++)
        {
            var expected = new SortedDictionary<byte[], (byte[]? Value, int Committed)>(StateKeys.Comparer);
            var sets = random.Next(0, 3) == 0 ? random.Next(0, 20) : random.Next(100, 3000);
            for (var step = 0; step < sets; step++)
            {
                var key = new byte[random.Next(1, 4)];
                random.NextBytes(key);
                byte[]? value = random.Next(4) == 0 ? null : [(byte)version, (byte)random.Next(256)];
                var committed = random.Next(-1, 50);
                overlay.Set(key, value, committed);
                expected[key] = expected.TryGetValue(key, out var held) ? (value, held.Committed) : (value, committed);
                if (random.Next(scanEvery) == 0)
                {
                    var prefix = new byte[random.Next(0, 2)];
                    random.NextBytes(prefix);
                    Assert.Equal(
                        expected.Where(e => e.Key.AsSpan().StartsWith(prefix)).Select(e => Describe(new(e.Key, e.Value.Value))),
                        overlay.CopyRange(prefix).Select(Describe));
                }
            }
            Assert.Equal(
                expected.Select(e => $"{Describe(new(e.Key, e.Value.Value))}/{e.Value.Committed}"),
                overlay.Sorted().ToArray().Select(e => $"{Describe(new(e.Key, e.Value))}/{e.CommittedLength}"));
            Assert.Equal(expected.Count, overlay.Count);
            Assert.Equal(expected.Sum(e => e.Key.Length + (e.Value.Value?.Length ?? 0)), overlay.PayloadBytes);
            foreach (var key in expected.Keys.Take(5))
            {
                Assert.True(overlay.TryGet(key, out _));
            }
            overlay.Clear();
            Assert.Equal(0, overlay.Count);
            Assert.Empty(overlay.Sorted().ToArray());
            Assert.All(expected.Keys.Take(5), key => Assert.False(overlay.TryGet(key, out _)));
        }
    }

    [Fact]
    public void AnEndedVersionsEntries_HoldNoKeyOrValue()
    {
        var overlay = new OverlayEntries();
        overlay.Set([1], [2], committedLength: 3);
        var entry = Assert.Single(overlay.Sorted().ToArray());
        overlay.Clear();
        Assert.Empty(entry.Key);
        Assert.Null(entry.Value);
        Assert.Equal(SortedEntries.Entry.UnknownLength, entry.CommittedLength);
    }

    [Fact]
    public void ThePool_KeepsAsManyEntriesAsTheLastVersionUsed_UpToItsBound()
    {
        var overlay = new OverlayEntries();
        void Version(int keys)
        {
            for (var i = 0; i < keys; i++)
            {
                overlay.Set(BitConverter.GetBytes(i), [1], SortedEntries.Entry.UnknownLength);
            }
            overlay.Clear();
        }
        Version(1000);
        Assert.Equal(1000, overlay.PooledEntries);
        Version(10);
        Assert.Equal(10, overlay.PooledEntries);
        Version(OverlayEntries.MaxPooledEntries + 5);
        Assert.Equal(OverlayEntries.MaxPooledEntries, overlay.PooledEntries);
        Version(0);
        Assert.Equal(0, overlay.PooledEntries);
    }

    /// <summary>
    /// A version changing as many keys as the last takes its entry objects from the last (the map and list keep their
    /// capacity already): it allocates nothing per key. A version allocated a 40-byte entry per new key before.
    /// </summary>
    [Fact]
    public void AVersionAsLargeAsTheLast_AllocatesNoEntries()
    {
        const int keys = 4000;
        var overlay = new OverlayEntries();
        var first = Enumerable.Range(0, keys).Select(i => BitConverter.GetBytes(i)).ToArray();
        var second = Enumerable.Range(keys, keys).Select(i => BitConverter.GetBytes(i)).ToArray();
        byte[] value = [1];
        foreach (var key in first)
        {
            overlay.Set(key, value, SortedEntries.Entry.UnknownLength);
        }
        overlay.Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var key in second)
        {
            overlay.Set(key, value, SortedEntries.Entry.UnknownLength);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < keys * 8, $"{allocated} bytes allocated for {keys} new keys of a version as large as the last");
        Assert.Equal(second.Select(k => Describe(new(k, value))).Order(StringComparer.Ordinal),
            overlay.Sorted().ToArray().Select(e => Describe(new(e.Key, e.Value))).Order(StringComparer.Ordinal));
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
