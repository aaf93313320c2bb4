using Sluice.Operators;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// The join's state cache (rows by eviction time, and the rows themselves by join key, kept between batches): a batch
/// with the cache kept reads nothing from the store, and the output and stored state are those of reading the store,
/// whatever the budget, after a batch cut short and re-run, and after a restart from the checkpoint.
/// </summary>
public sealed class StreamJoinStateCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-join-cache-tests", Guid.NewGuid().ToString("N"));

    private static readonly string WindowKey = StreamJoinTests.Spec("inner", "k = rk AND lw = rw",
        """{"op": "withWatermark", "column": "lt", "delay": "0 seconds"}, {"op": "select", "columns": ["k", "window(lt, '10 seconds') AS lw"]}""",
        """{"op": "withWatermark", "column": "rt", "delay": "0 seconds"}, {"op": "select", "columns": ["rk", "window(rt, '10 seconds') AS rw"]}""");

    public static TheoryData<string> Specs() =>
    [
        StreamJoinTests.Spec("inner", StreamJoinTests.Between),
        StreamJoinTests.Spec("leftOuter", StreamJoinTests.Between),
        StreamJoinTests.Spec("rightOuter", StreamJoinTests.Between + " AND rk > 0"),
        StreamJoinTests.Spec("fullOuter", StreamJoinTests.Between),
        StreamJoinTests.Spec("leftSemi", StreamJoinTests.Between),
        StreamJoinTests.Spec("inner", "k = rk", leftOps: """{"op": "select", "columns": ["k", "lt"]}""", rightOps: """{"op": "select", "columns": ["rk", "rt"]}"""),
        WindowKey,
        WindowKey.Replace("\"inner\"", "\"leftSemi\"", StringComparison.Ordinal),
    ];

    /// <summary>The reference: a run with no room in the cache, which reads every row from the store, each row stored as its own entry.</summary>
    private JoinRun Store(string spec) => new(spec, Path.Combine(_root, "expected"), keepCache: false, budget: new StateCacheBudget(0), perRow: true);

    /// <summary>Runs <paramref name="batch"/> on both: the same output, metrics and state.</summary>
    private static Task AssertSameBatchAsync(JoinRun expected, JoinRun run, int batch)
    {
        var (watermark, left, right) = Batch(batch);
        return AssertSameAsync(expected, run, batch, watermark, left, right);
    }

    /// <summary>Runs the batch on both: the same output, metrics and state; the run's outcome.</summary>
    internal static async Task<JoinOutcome> AssertSameAsync(JoinRun expected, JoinRun run, long batch, long watermark, List<object?[]> left, List<object?[]> right)
    {
        var want = await expected.BatchAsync(batch, watermark, left, right);
        var got = await run.BatchAsync(batch, watermark, left, right);
        Assert.Equal(want.Output, got.Output);
        Assert.Equal((want.Total, want.Updated, want.Removed, want.Late), (got.Total, got.Updated, got.Removed, got.Late));
        Assert.Equal(expected.State(), run.State());
        return got;
    }

    [Fact]
    public async Task KeptCache_JoinsAndEvicts_WithoutReadingTheStore()
    {
        using var run = new JoinRun(StreamJoinTests.Spec("leftOuter", StreamJoinTests.Between), Path.Combine(_root, "a"));
        await run.BatchAsync(0, 0, [JoinRun.Row(1, 10), JoinRun.Row(2, 10), JoinRun.Row(3, 100)], []);
        run.ResetReads();

        // The right row joins the stored left row of its key and marks it matched.
        var joined = await run.BatchAsync(1, 0, [], [JoinRun.Row(1, 12)]);
        Assert.Equal(["1@10|1@12"], joined.Output);

        // The watermark evicts both left rows of second 10 (the unmatched one with nulls) and the right row, and keeps
        // the left row of second 100.
        var evicted = await run.BatchAsync(2, 30_000, [], []);
        Assert.Equal(["2@10|null"], evicted.Output);
        Assert.Equal(1, evicted.Total);
        Assert.Equal(0, run.EntriesRead);
    }

    [Fact]
    public async Task StoredRows_AreHeldAsTheirStoredValue_AndDecodedOnlyOnceProbed()
    {
        using var run = new JoinRun(StreamJoinTests.Spec("inner", StreamJoinTests.Between), Path.Combine(_root, "a"), perRow: true);
        await run.BatchAsync(0, 0, [JoinRun.Row(1, 10), JoinRun.Row(2, 10)], []);
        var stored = run.HeldRows();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, h => Assert.Same(h.Stored, h.Row.Value));
        Assert.All(stored, h => Assert.False(h.Row.IsDecoded));

        // The right row probes the left row of key 1 only: that one is decoded and marked matched, by a new value.
        var joined = await run.BatchAsync(1, 0, [], [JoinRun.Row(1, 12)]);
        Assert.Equal(["1@10|1@12"], joined.Output);
        var held = run.HeldRows();
        Assert.Equal(3, held.Count);
        Assert.All(held, h => Assert.Same(h.Stored, h.Row.Value));
        var probed = Assert.Single(held, h => h.Row.IsDecoded);
        Assert.True(probed.Row.Matched);
        Assert.Equal(new object?[] { 1, DateTime.UnixEpoch.AddSeconds(10) }, probed.Row.Row);
        // The held value is the stored row's encoding, key and value, as RowCodec writes them.
        Assert.All(held, h => Assert.Equal(RowCodec.Encode(RowCodec.Decode(h.Row.StateKey)), h.Row.StateKey));
        Assert.Equal(RowCodec.Encode([true, probed.Row.EvictionMs, .. probed.Row.Row]), probed.Stored);
    }

    [Fact]
    public async Task RowsNoProbeReaches_StayUnindexed_YetJoinAndEvictAsTheStoreSays()
    {
        var spec = StreamJoinTests.Spec("inner", StreamJoinTests.Between);
        using var expected = Store(spec);
        using var run = new JoinRun(spec, Path.Combine(_root, "run"));
        // 60 left rows of keys 0-19 at seconds 10-16; key 1: 1@11, 1@10, 1@16; key 2: 2@12, 2@11, 2@10.
        var left = Enumerable.Range(0, 60).Select(i => JoinRun.Row(i % 20, 10 + (i % 7))).ToList();
        var batches = new (long Watermark, List<object?[]> Left, List<object?[]> Right)[]
        {
            (0, left, []),
            // One probe walks its key group's unindexed rows once: they stay unindexed.
            (0, [], [JoinRun.Row(1, 12)]),
            // Twenty probes of key 2 walk them more than eight times over: that key group indexes them.
            (0, [], [.. Enumerable.Range(0, 20).Select(_ => JoinRun.Row(2, 12))]),
            // New rows wait unindexed again; the watermark evicts rows, indexed or not, as it evicts them from the store.
            (20_000, [JoinRun.Row(1, 30), JoinRun.Row(2, 30)], []),
            (20_000, [], [JoinRun.Row(1, 31), JoinRun.Row(2, 29)]),
            (60_000, [], []),
        };
        var outcomes = new List<JoinOutcome>();
        var indexed = new List<int>();
        for (var batch = 0; batch < batches.Length; batch++)
        {
            var (watermark, l, r) = batches[batch];
            var want = await expected.BatchAsync(batch, watermark, l, r);
            var got = await run.BatchAsync(batch, watermark, l, r);
            Assert.Equal(want.Output, got.Output);
            Assert.Equal((want.Total, want.Updated, want.Removed), (got.Total, got.Updated, got.Removed));
            Assert.Equal(expected.State(), run.State());
            outcomes.Add(got);
            indexed.Add(run.IndexedRows(0));
        }
        Assert.Equal(["1@10|1@12", "1@11|1@12", "1@16|1@12"], outcomes[1].Output);
        Assert.Equal(60, outcomes[2].Output.Count);
        Assert.Equal(["1@30|1@31", "2@30|2@29"], outcomes[4].Output);
        Assert.Equal(0, outcomes[5].Total);
        Assert.Equal(0, indexed[0]);
        Assert.Equal(0, indexed[1]);
        Assert.InRange(indexed[2], 3, 59);
        Assert.Equal(0, indexed[5]);
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public Task ManyRowsFewProbes_WithCutShortBatchesAndRestarts_GiveTheOutputAndStateOfReadingTheStore(string spec) =>
        ManyRowsFewProbesAsync(spec, budget: null);

    /// <summary>As above with room for about a batch of rows: the left side, holding more, stops mirroring mid-batch while the right side stays held.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public Task ManyRowsFewProbes_PastTheBudget_GiveTheOutputAndStateOfReadingTheStore(string spec) =>
        ManyRowsFewProbesAsync(spec, budget: 30);

    private async Task ManyRowsFewProbesAsync(string spec, long? budget)
    {
        using var expected = Store(spec);
        var root = Path.Combine(_root, "run");
        JoinRun Open(long version = -1, bool rocksDb = false) =>
            new(spec, root, budget: budget is { } b ? new StateCacheBudget(b) : null, version: version, rocksDb: rocksDb);
        var run = Open();
        try
        {
            for (var batch = 0; batch < 10; batch++)
            {
                // Mostly left rows, a right row now and then (as Nexmark q7's bids and closed windows).
                var random = new Random(batch * 104_729 + 3);
                List<object?[]> Rows(int count) =>
                    [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(10) == 0 ? null : random.Next(10), (batch * 10) - 5 + random.Next(30)))];
                var (watermark, left, right) = (batch * 10_000L, Rows(40), Rows(random.Next(3)));
                if (batch is 4 or 8)
                {
                    run.Dispose();
                    run = Open(version: batch - 1, rocksDb: batch == 8);
                }
                var want = await expected.BatchAsync(batch, watermark, left, right);
                if (batch % 3 == 2)
                {
                    await run.BatchAsync(batch, watermark, left, right, commit: false);
                    run.AbortAll();
                }
                var got = await run.BatchAsync(batch, watermark, left, right);
                Assert.Equal(want.Output, got.Output);
                Assert.Equal((want.Total, want.Updated, want.Removed, want.Late), (got.Total, got.Updated, got.Removed, got.Late));
                Assert.Equal(expected.State(), run.State());
            }
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>
    /// Review of the lazy key index: a side probed rarely and then by every new row (so it is indexed after rows of it
    /// were evicted unindexed), outer rows emitted at eviction, and the budget: while every cache mirrors, the budget's
    /// count is the stored rows' count (evicted unindexed rows are released once), and it is all released at the end.
    /// </summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public async Task SideProbedRarelyThenOften_UnindexedRowsEvicted_GiveTheStoresOutputAndKeepTheBudgetExact(string spec)
    {
        using var expected = Store(spec);
        var budget = new StateCacheBudget(long.MaxValue);
        using (var run = new JoinRun(spec, Path.Combine(_root, "run"), budget: budget))
        {
            for (var batch = 0; batch < 12; batch++)
            {
                var random = new Random(batch * 7_919 + 5);
                List<object?[]> Rows(int count) =>
                    [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(12) == 0 ? null : random.Next(8), (batch * 10) - 5 + random.Next(30)))];
                // Batches 0-5: many left rows, a right row now and then; from 6: as many right rows as left ones.
                var (watermark, left, right) = (batch * 10_000L, Rows(30), Rows(batch < 6 ? random.Next(2) : 30));
                var want = await expected.BatchAsync(batch, watermark, left, right);
                var got = await run.BatchAsync(batch, watermark, left, right);
                Assert.Equal(want.Output, got.Output);
                Assert.Equal((want.Total, want.Updated, want.Removed, want.Late), (got.Total, got.Updated, got.Removed, got.Late));
                Assert.Equal(expected.State(), run.State());
                Assert.Equal(run.State().Count, budget.Used);
            }
        }
        Assert.Equal(0, budget.Used);
    }

    /// <summary>Review: a budget the state outgrows after rows of it were evicted unindexed stops mirroring mid-run with the store's output, and releases all it took.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public async Task BudgetOutgrownAfterUnindexedEvictions_GivesTheStoresOutput_AndReleasesTheBudget(string spec)
    {
        using var expected = Store(spec);
        var budget = new StateCacheBudget(70);
        using (var run = new JoinRun(spec, Path.Combine(_root, "run"), budget: budget))
        {
            for (var batch = 0; batch < 10; batch++)
            {
                var random = new Random(batch * 31 + 1);
                List<object?[]> Rows(int count) =>
                    [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(6), (batch * 10) - 5 + random.Next(batch < 5 ? 20 : 60)))];
                var (watermark, left, right) = (batch * 10_000L, Rows(10 + (batch * 4)), Rows(random.Next(3)));
                var want = await expected.BatchAsync(batch, watermark, left, right);
                var got = await run.BatchAsync(batch, watermark, left, right);
                Assert.Equal(want.Output, got.Output);
                Assert.Equal((want.Total, want.Updated, want.Removed, want.Late), (got.Total, got.Updated, got.Removed, got.Late));
                Assert.Equal(expected.State(), run.State());
            }
        }
        Assert.Equal(0, budget.Used);
    }

    /// <summary>
    /// Nexmark q7's shape past the budget: a few right rows held, then more left rows than the budget has room for.
    /// The left side, holding more, stops mirroring; the right side stays held, so the left rows join it without a
    /// store read, and a right row then reads the left rows from the store. Output and state are the store's.
    /// </summary>
    [Fact]
    public async Task LeftSideOutgrowsTheBudget_RightSideStaysHeld_LeftRowsJoinItWithoutReadingTheStore()
    {
        var spec = StreamJoinTests.Spec("inner", StreamJoinTests.Between);
        using var expected = Store(spec);
        var budget = new StateCacheBudget(40);
        using (var run = new JoinRun(spec, Path.Combine(_root, "run"), budget: budget))
        {
            var batches = new (long Watermark, List<object?[]> Left, List<object?[]> Right)[]
            {
                (0, [], [.. Enumerable.Range(0, 6).Select(k => JoinRun.Row(k, 12))]),
                (0, [.. Enumerable.Range(0, 90).Select(i => JoinRun.Row(i % 6, 10 + (i % 7)))], []),
                (0, [], [JoinRun.Row(1, 14), JoinRun.Row(2, 30)]),
                (0, [JoinRun.Row(2, 28), JoinRun.Row(3, 15)], []),
                (40_000, [], []),
            };
            for (var batch = 0; batch < batches.Length; batch++)
            {
                var (watermark, left, right) = batches[batch];
                run.ResetReads();
                var want = await expected.BatchAsync(batch, watermark, left, right);
                var got = await run.BatchAsync(batch, watermark, left, right);
                Assert.Equal(want.Output, got.Output);
                Assert.Equal((want.Total, want.Updated, want.Removed, want.Late), (got.Total, got.Updated, got.Removed, got.Late));
                Assert.Equal(expected.State(), run.State());
                if (left.Count > 0)
                {
                    Assert.Equal(0, run.EntriesRead);
                }
                if (batch == 1)
                {
                    // Every left row is within 5 s of its key's right row.
                    Assert.Equal(90, got.Output.Count);
                }
            }
        }
        Assert.Equal(0, budget.Used);
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task BatchCutShort_ThenReRun_GivesTheOutputAndStateOfAnUninterruptedRun(string spec)
    {
        using var expected = Store(spec);
        using var run = new JoinRun(spec, Path.Combine(_root, "run"));
        for (var batch = 0; batch < 8; batch++)
        {
            var (watermark, left, right) = Batch(batch);
            var want = await expected.BatchAsync(batch, watermark, left, right);
            if (batch % 3 == 1)
            {
                // The attempt's rows and matches reach the store's working version and the cache; both go.
                await run.BatchAsync(batch, watermark, left, right, commit: false);
                run.AbortAll();
            }
            var got = await run.BatchAsync(batch, watermark, left, right);
            Assert.Equal(want.Output, got.Output);
            Assert.Equal((want.Total, want.Updated, want.Removed, want.Late), (got.Total, got.Updated, got.Removed, got.Late));
            Assert.Equal(expected.State(), run.State());
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task Restart_FromTheCheckpoint_GivesTheOutputAndStateOfAnUninterruptedRun(string spec)
    {
        using var expected = Store(spec);
        var root = Path.Combine(_root, "run");
        var run = new JoinRun(spec, root);
        try
        {
            for (var batch = 0; batch < 8; batch++)
            {
                if (batch is 3 or 6)
                {
                    // A new silo: the stores reopen from the checkpoint and the caches are rebuilt from them.
                    run.Dispose();
                    run = new JoinRun(spec, root, version: batch - 1, rocksDb: batch == 6);
                }
                await AssertSameBatchAsync(expected, run, batch);
            }
        }
        finally
        {
            run.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task BudgetTooSmallForTheState_ReadsTheStore_AndGivesTheSameOutputAndState(string spec)
    {
        using var expected = Store(spec);
        // Room for a few rows: key groups stop mirroring at different rows, some in the middle of a batch.
        using var run = new JoinRun(spec, Path.Combine(_root, "run"), budget: new StateCacheBudget(4));
        for (var batch = 0; batch < 8; batch++)
        {
            await AssertSameBatchAsync(expected, run, batch);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CheckpointWrittenBeforeTheCache_Resumes(bool rocksDb)
    {
        // Fixtures/join-fullouter-v1: two committed batches of a full outer join with the range condition, written by the
        // join that read every row from the store: left 1@10 (matched), 2@10, 3@40; right 4@11, 1@12 (matched).
        var root = OperatorFixtures.Copy("join-fullouter-v1", _root);
        using var run = new JoinRun(StreamJoinTests.Spec("fullOuter", StreamJoinTests.Between), root, version: 1, rocksDb: rocksDb);

        var evicted = await run.BatchAsync(2, 30_000, [], []);
        Assert.Equal(["2@10|null", "null|4@11"], evicted.Output);
        Assert.Equal(1, evicted.Total);
        var joined = await run.BatchAsync(3, 30_000, [], [JoinRun.Row(3, 41)]);
        Assert.Equal(["3@40|3@41"], joined.Output);
        Assert.Equal(2, joined.Total);
        var matched = await run.BatchAsync(4, 60_000, [], []);
        Assert.Empty(matched.Output);
        Assert.Equal(0, matched.Total);
    }

    /// <summary>
    /// Batch <paramref name="batch"/> of a fixed pseudo-random run: the watermark 10 s further each batch, keys 0 to 4 on
    /// both sides (and NULL ones), event times around the watermark, some behind it (late).
    /// </summary>
    private static (long WatermarkMs, List<object?[]> Left, List<object?[]> Right) Batch(int batch)
    {
        var random = new Random(batch * 7919 + 17);
        List<object?[]> Rows(int count) =>
            [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(8) == 0 ? null : random.Next(5), (batch * 10) - 5 + random.Next(30)))];
        return (batch * 10_000L, Rows(12), Rows(12));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
