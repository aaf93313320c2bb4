using Sluice.Operators;
using Sluice.Operators.Join;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// A join side whose matched flags are never read stores each batch's rows of a key group as one entry (Nexmark q7's
/// bids: one put and one delete per batch and key group, not per bid). Output, row counts and the rows held are those
/// of storing every row as its own entry (<c>perRow</c>), across batches cut short, restarts, a checkpoint written per
/// row, and past the cache's budget (rows read from the batch entries).
/// </summary>
public sealed class StreamJoinSideBatchTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-join-side-batch-tests", Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Specs() => StreamJoinStateCacheTests.Specs();

    private JoinRun PerRow(string spec) => new(spec, Path.Combine(_root, "expected"), keepCache: false, budget: new StateCacheBudget(0), perRow: true);

    private static Task AssertSameAsync(JoinRun expected, JoinRun run, long batch, long watermark, List<object?[]> left, List<object?[]> right) =>
        StreamJoinStateCacheTests.AssertSameAsync(expected, run, batch, watermark, left, right);

    [Fact]
    public async Task InnerJoin_StoresABatchsRowsOfASide_AsOneEntryPerKeyGroup()
    {
        using var run = new JoinRun(StreamJoinTests.Spec("inner", StreamJoinTests.Between), Path.Combine(_root, "run"));
        var outcome = await run.BatchAsync(0, 0, [.. Enumerable.Range(0, 40).Select(i => JoinRun.Row(i % 10, 10 + (i % 7)))], []);

        Assert.Equal(40, outcome.Total);
        Assert.Equal(40, run.State().Count);
        Assert.InRange(run.StoredEntries().Count, 1, JoinRun.KeyGroups);
    }

    [Fact]
    public async Task AnEntryIsDeleted_WithItsLastRow()
    {
        using var run = new JoinRun(StreamJoinTests.Spec("inner", StreamJoinTests.Between), Path.Combine(_root, "run"));
        var stored = await run.BatchAsync(0, 30_000, [.. Enumerable.Range(0, 20).Select(i => JoinRun.Row(i, 31 + (i % 3)))], []);
        Assert.Equal(20, stored.Total);

        // The watermark at 60 s evicts every row of batch 0 (the range's 5 s behind it): their entries go.
        var evicted = await run.BatchAsync(1, 60_000, [JoinRun.Row(1, 61)], []);
        Assert.Equal(1, evicted.Total);
        Assert.Equal(20, evicted.Removed);
        Assert.Single(run.State());
        Assert.Single(run.StoredEntries());
    }

    /// <summary>
    /// A row stored per batch has no key or value array of its own: its value is read from its entry's bytes (the
    /// array the store was given) while the side is mirrored, and the entry lets go of them when the side stops.
    /// </summary>
    [Fact]
    public async Task RowsStoredPerBatch_ReadTheirValuesFromTheEntry_WithNoArraysOfTheirOwn()
    {
        var spec = StreamJoinTests.Spec("inner", StreamJoinTests.Between);
        using var expected = PerRow(spec);
        using var run = new JoinRun(spec, Path.Combine(_root, "run"), budget: new StateCacheBudget(30));
        await AssertSameAsync(expected, run, 0, 0, [.. Enumerable.Range(0, 20).Select(i => JoinRun.Row(i % 5, 10 + (i % 4)))], []);

        var held = run.CachedRows(StreamJoinOperator.Left);
        Assert.Equal(20, held.Count);
        foreach (var (row, store) in held)
        {
            Assert.Null(row.Value);
            Assert.False(row.IsDecoded);
            var entry = Assert.IsType<SideBatch>(row.StoredIn);
            Assert.True(entry.HoldsBytes);
            var stored = SideBatch.Decode(store.Get(entry.Key)!).Single(r => r.StateKey.AsSpan().SequenceEqual(row.StateKey));
            Assert.Equal(stored.Value, row.StoredValue.ToArray());
        }

        // Probed by right rows, they decode from the entry's bytes; past the budget the left side stops mirroring and
        // its entries let go of their bytes.
        await AssertSameAsync(expected, run, 1, 0, [.. Enumerable.Range(0, 20).Select(i => JoinRun.Row(i % 5, 11 + (i % 3)))], [JoinRun.Row(1, 12), JoinRun.Row(3, 11)]);
        var mirrored = run.CachedRows(StreamJoinOperator.Left).Select(h => h.Store).ToHashSet();
        var stopped = held.Where(h => !mirrored.Contains(h.Store)).ToList();
        Assert.NotEmpty(stopped);
        Assert.All(stopped, h => Assert.False(h.Row.StoredIn!.HoldsBytes));
        Assert.All(held.Where(h => mirrored.Contains(h.Store)), h => Assert.True(h.Row.StoredIn!.HoldsBytes));
        await AssertSameAsync(expected, run, 2, 0, [], [JoinRun.Row(2, 12)]);
    }

    /// <summary>
    /// Past the budget a side stored per batch holds no object per row (Nexmark q7's bids at 10M events): each row is its
    /// entry's bytes and, for its eviction, the entry once by the row's time. Randomized against every row stored as its
    /// own entry, with restarts and a batch cut short; with a range under which the left side's rows can be evicted by
    /// the batch that stores them (they are then left out of its entry).
    /// </summary>
    [Theory]
    [InlineData(StreamJoinTests.Between, 1)]
    [InlineData(StreamJoinTests.Between, 2)]
    [InlineData("k = rk AND rt BETWEEN lt - interval 10 seconds AND lt - interval 5 seconds", 3)]
    [InlineData("k = rk AND rt BETWEEN lt - interval 10 seconds AND lt - interval 5 seconds", 4)]
    public async Task PastTheBudget_RowsStoredPerBatch_HaveNoObjectEach(string condition, int seed)
    {
        var spec = StreamJoinTests.Spec("inner", condition);
        using var expected = PerRow(spec);
        var root = Path.Combine(_root, "run");
        var random = new Random(seed);
        JoinRun Open(long version) => new(spec, root, budget: new StateCacheBudget(random.Next(2) * 8), version: version, rocksDb: random.Next(3) == 0);
        var run = Open(-1);
        try
        {
            var inEntriesOnly = 0L;
            for (var batch = 0; batch < 14; batch++)
            {
                var watermark = batch * 4_000L;
                List<object?[]> Rows() => [.. Enumerable.Range(0, random.Next(30)).Select(_ => JoinRun.Row(random.Next(4), (watermark / 1000) + random.Next(1, 14)))];
                var (left, right) = (Rows(), Rows());
                if (batch > 0 && random.Next(4) == 0)
                {
                    run.Dispose();
                    run = Open(batch - 1);
                }
                if (random.Next(5) == 0)
                {
                    await run.BatchAsync(batch, watermark, left, right, commit: false);
                    run.AbortAll();
                }
                var got = await StreamJoinStateCacheTests.AssertSameAsync(expected, run, batch, watermark, left, right);
                // Every row held as its entry only is a row of the state, and so is every row a batch stored with no room.
                var held = run.RowsInEntriesOnly(StreamJoinOperator.Left) + run.RowsInEntriesOnly(StreamJoinOperator.Right);
                Assert.InRange(held, 0, got.Total);
                inEntriesOnly += held;
            }
            Assert.True(inEntriesOnly > 0, "no row was held as its entry only");
        }
        finally
        {
            run.Dispose();
        }
    }

    [Fact]
    public void AnEntry_GivesBackItsRowsKeysAndValues_OfAnyLength()
    {
        var store = new PutsOnly();
        var entry = new SideBatch(0, 3);
        var rows = new[] { 1, 127, 128, 300, 20_000 }.Select(n => (Key: RowCodec.Encode([0, new byte[n % 200], 3L, (long)n]), Value: Enumerable.Range(0, n).Select(i => (byte)i).ToArray())).ToList();
        foreach (var (key, value) in rows)
        {
            entry.Add([], 0, 1, key, value);
        }
        Assert.True(entry.Write(store, keepBytes: false));
        Assert.Equal(rows.Count, entry.Live);
        var decoded = SideBatch.Decode(store.Get(entry.Key)!);
        Assert.Equal(rows.Select(r => Convert.ToHexString(r.Key) + "=" + Convert.ToHexString(r.Value)), decoded.Select(r => Convert.ToHexString(r.StateKey) + "=" + Convert.ToHexString(r.Value)));
    }

    /// <summary>An entry keeps rows it held when some of them are evicted; after a restart they stay evicted (the side's threshold is stored).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RowsEvictedFromAnEntryStillHeld_StayEvictedAfterARestart(bool rocksDb)
    {
        var spec = StreamJoinTests.Spec("inner", StreamJoinTests.Between);
        using var expected = PerRow(spec);
        var root = Path.Combine(_root, "run");
        var run = new JoinRun(spec, root);
        try
        {
            // One key, so one key group: rows at seconds 10 and 40 in one entry; the watermark at 20 s evicts the first.
            await AssertSameAsync(expected, run, 0, 0, [JoinRun.Row(1, 10), JoinRun.Row(1, 40)], []);
            await AssertSameAsync(expected, run, 1, 20_000, [], []);
            Assert.Single(run.State());
            Assert.Equal(2, run.StoredEntries().Count);

            run.Dispose();
            run = new JoinRun(spec, root, version: 1, rocksDb: rocksDb);
            // The right row at 36 s matches the row at 40 s only; the row at 10 s would not match it either, but is
            // not held: one row in total, then none once the watermark passes 45 s.
            await AssertSameAsync(expected, run, 2, 20_000, [], [JoinRun.Row(1, 36)]);
            await AssertSameAsync(expected, run, 3, 60_000, [], []);
            Assert.Empty(run.StoredEntries());
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>A checkpoint of rows stored as their own entries resumes: new rows are stored per batch beside them.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public async Task CheckpointStoredPerRow_ResumesWithSidesStoredPerBatch(string spec)
    {
        using var expected = PerRow(spec);
        var root = Path.Combine(_root, "run");
        var run = new JoinRun(spec, root, perRow: true);
        try
        {
            for (var batch = 0; batch < 10; batch++)
            {
                if (batch is 4 or 7)
                {
                    run.Dispose();
                    run = new JoinRun(spec, root, version: batch - 1, rocksDb: batch == 7, budget: batch == 7 ? new StateCacheBudget(20) : null);
                }
                var (watermark, left, right) = Batch(batch);
                await AssertSameAsync(expected, run, batch, watermark, left, right);
            }
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>
    /// No room in the cache: every probe reads the other side's batch entries. A side probed by every new row scans its
    /// entries more than eight times its rows and stores new rows as their own entries, read by join key, from then on.
    /// </summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public async Task SideProbedOftenPastTheBudget_GivesTheOutputOfRowsStoredPerRow(string spec)
    {
        using var expected = PerRow(spec);
        using var run = new JoinRun(spec, Path.Combine(_root, "run"), budget: new StateCacheBudget(0));
        for (var batch = 0; batch < 12; batch++)
        {
            var random = new Random(batch * 613 + 11);
            List<object?[]> Rows(int count) =>
                [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(10) == 0 ? null : random.Next(4), (batch * 10) - 5 + random.Next(40)))];
            await AssertSameAsync(expected, run, batch, batch * 10_000L, Rows(60), Rows(60));
        }
    }

    /// <summary>Batch <paramref name="batch"/>: mostly left rows, a few right ones, event times spread over three batches' watermarks.</summary>
    private static (long WatermarkMs, List<object?[]> Left, List<object?[]> Right) Batch(int batch)
    {
        var random = new Random(batch * 104_729 + 7);
        List<object?[]> Rows(int count) =>
            [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(10) == 0 ? null : random.Next(6), (batch * 10) - 5 + random.Next(30)))];
        return (batch * 10_000L, Rows(30), Rows(random.Next(4)));
    }

    /// <summary>A store that takes puts and gives them back.</summary>
    private sealed class PutsOnly : IStateStore
    {
        private readonly Dictionary<string, byte[]> _values = [];

        public long Version => -1;

        public byte[]? Get(byte[] key) => _values.GetValueOrDefault(Convert.ToHexString(key));

        public void Put(byte[] key, byte[] value) => _values[Convert.ToHexString(key)] = value;

        public void Remove(byte[] key) => _values.Remove(Convert.ToHexString(key));

        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate() => throw new NotSupportedException();

        public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix) => throw new NotSupportedException();

        public Task<StateStoreMetrics> CommitAsync(long version, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public void Abort() => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
