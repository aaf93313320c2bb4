using Sluice.Operators;
using Sluice.Operators.Join;

namespace Sluice.Tests.Operators;

/// <summary>
/// Sides stored per batch (<c>SideBatch</c>) against every row stored as its own entry (<c>perRow</c>), randomized, with
/// restarts from every checkpoint: restarted before every batch, several in a row, from an older checkpoint (the batches
/// after it run again), and batches cut short (their commit lost) and run again; with the cache's budget unbounded,
/// none and small, in memory and on RocksDB. Rows live over several watermarks, so entries hold rows some of which are
/// evicted when a checkpoint is written. Each batch's output, row counts and rows held are the reference's.
/// </summary>
public sealed class StreamJoinSideBatchRestartTests : IDisposable
{
    private const int Batches = 12;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-join-side-batch-restart-tests", Guid.NewGuid().ToString("N"));

    public static TheoryData<string, int?, int> Cases()
    {
        var cases = new TheoryData<string, int?, int>();
        foreach (var spec in StreamJoinStateCacheTests.Specs())
        {
            foreach (var budget in new int?[] { null, 0, 12 })
            {
                for (var seed = 0; seed < 2; seed++)
                {
                    cases.Add(spec, budget, seed);
                }
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryCheckpoint_ResumesAsRowsStoredPerRow(string spec, int? budget, int seed)
    {
        // The reference: every row its own entry, read from the store, run once through.
        var want = new List<(JoinOutcome Outcome, List<string> State)>();
        using (var expected = new JoinRun(spec, Path.Combine(_root, "expected"), keepCache: false, budget: new StateCacheBudget(0), perRow: true))
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                var (watermark, left, right) = Batch(seed, batch);
                var outcome = await expected.BatchAsync(batch, watermark, left, right);
                // The reference's rows are its store's entries: numRowsTotal as the store counted it before.
                Assert.Equal(expected.StoredEntries().Count, outcome.Total);
                want.Add((outcome, expected.State()));
            }
        }

        var root = Path.Combine(_root, "run");
        var random = new Random(seed * 7919 + (budget ?? -1));
        JoinRun Open(long version) => new(spec, root, budget: budget is { } b ? new StateCacheBudget(b) : null, version: version, rocksDb: random.Next(3) == 0);
        var run = Open(-1);
        try
        {
            var batch = 0;
            while (batch < Batches)
            {
                var (watermark, left, right) = Batch(seed, batch);
                switch (random.Next(4))
                {
                    case 0 when batch > 0:
                        // A restart from the last checkpoint.
                        run.Dispose();
                        run = Open(batch - 1);
                        break;
                    case 1 when batch > 1:
                        // A restart from the checkpoint before it: the last batch runs again.
                        run.Dispose();
                        run = Open(batch - 2);
                        batch--;
                        continue;
                    case 2:
                        // The batch's commit is lost: it runs again.
                        await run.BatchAsync(batch, watermark, left, right, commit: false);
                        run.AbortAll();
                        break;
                }
                var got = await run.BatchAsync(batch, watermark, left, right);
                var (outcome, state) = want[batch];
                Assert.Equal(outcome.Output, got.Output);
                Assert.Equal((outcome.Total, outcome.Updated, outcome.Removed, outcome.Late), (got.Total, got.Updated, got.Removed, got.Late));
                Assert.Equal(state, run.State());
                batch++;
            }
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>
    /// Past the budget, a side probed by most new rows goes back to rows stored as their own entries mid-run, while its
    /// earlier rows stay in batch entries; restarts after the switch (two in a row, one on RocksDB) and a lost commit
    /// read both layouts, and evict each row once.
    /// </summary>
    [Theory]
    [MemberData(nameof(StreamJoinSideBatchTests.Specs), MemberType = typeof(StreamJoinSideBatchTests))]
    public async Task SideSwitchedToRowsStoredPerRow_Restarted_HoldsEveryRowOnce(string spec)
    {
        using var expected = new JoinRun(spec, Path.Combine(_root, "expected"), keepCache: false, budget: new StateCacheBudget(0), perRow: true);
        var root = Path.Combine(_root, "run");
        var run = new JoinRun(spec, root, budget: new StateCacheBudget(0));
        var bothLayouts = false;
        try
        {
            for (var batch = 0; batch < 14; batch++)
            {
                if (batch is 7 or 10 or 11)
                {
                    run.Dispose();
                    run = new JoinRun(spec, root, budget: new StateCacheBudget(batch == 11 ? 40 : 0), version: batch - 1, rocksDb: batch == 10);
                }
                var random = new Random((batch * 31) + 5);
                List<object?[]> Rows(int count) =>
                    [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(3), (batch * 10) - 5 + random.Next(40)))];
                var (left, right) = (Rows(60), Rows(60));
                if (batch == 9)
                {
                    await run.BatchAsync(batch, batch * 10_000L, left, right, commit: false);
                    run.AbortAll();
                }
                await StreamJoinStateCacheTests.AssertSameAsync(expected, run, batch, batch * 10_000L, left, right);
                var kinds = run.StoredKinds();
                bothLayouts |= kinds.Overlaps([0, 1]) && kinds.Overlaps([SideBatch.BatchKind, SideBatch.BatchKind + 1]);
            }
        }
        finally
        {
            run.Dispose();
        }
        var join = (StreamJoinOperator)Sluice.Planning.QueryPlanner.Plan(Sluice.Spec.SpecReader.Read(spec), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Stateful!;
        var evicts = spec.Contains("BETWEEN", StringComparison.Ordinal) || spec.Contains("lw = rw", StringComparison.Ordinal);
        Assert.Equal(evicts && (join.StoresPerBatch(0) || join.StoresPerBatch(1)), bothLayouts);
    }

    /// <summary>
    /// A side whose unmatched rows are emitted (an outer join's preserved side, a left semi join's left side) is never
    /// stored per batch: its rows stay their own entries, whose matched flags the reference's are (<c>State</c>).
    /// </summary>
    [Theory]
    [InlineData("leftOuter", new[] { 0 })]
    [InlineData("rightOuter", new[] { 1 })]
    [InlineData("fullOuter", new[] { 0, 1 })]
    [InlineData("leftSemi", new[] { 0 })]
    public async Task SideWhoseMatchedFlagsAreRead_IsStoredPerRow(string joinType, int[] preserved)
    {
        var spec = StreamJoinTests.Spec(joinType, StreamJoinTests.Between);
        using var expected = new JoinRun(spec, Path.Combine(_root, "expected"), keepCache: false, budget: new StateCacheBudget(0), perRow: true);
        using var run = new JoinRun(spec, Path.Combine(_root, "run"));
        var kinds = new HashSet<int>();
        for (var batch = 0; batch < 8; batch++)
        {
            var (watermark, left, right) = Batch(0, batch);
            // As many right rows as left ones: both sides store rows, and most rows match.
            await StreamJoinStateCacheTests.AssertSameAsync(expected, run, batch, watermark, left, [.. right, .. Batch(1, batch).Left]);
            kinds.UnionWith(run.StoredKinds());
        }
        foreach (var side in preserved)
        {
            Assert.Contains(side, kinds);
            Assert.DoesNotContain(SideBatch.BatchKind + side, kinds);
        }
        Assert.Equal(preserved.Length == 2 ? 0 : 1, kinds.Count(k => k is SideBatch.BatchKind or SideBatch.BatchKind + 1));
    }

    /// <summary>Which sides are stored per batch follows the join type, which a checkpoint's layout records: another join type is refused at start.</summary>
    [Fact]
    public async Task CheckpointOfAnInnerJoin_ResumedAsAnOuterJoin_IsRefusedNamingTheJoinType()
    {
        static IReadOnlyList<IStatefulOperator> Operators(string joinType) =>
            [.. Sluice.Planning.QueryPlanner.Plan(Sluice.Spec.SpecReader.Read(StreamJoinTests.Spec(joinType, StreamJoinTests.Between)), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Stages.Select(s => s.Operator)];
        var checkpoint = Path.Combine(_root, "checkpoint");
        await Sluice.Checkpointing.StateLayout.CheckAsync(new(new Sluice.Checkpointing.FolderCheckpointStore(checkpoint)), Operators("inner"));

        var e = await Assert.ThrowsAsync<Sluice.Contracts.QueryStartException>(() =>
            Sluice.Checkpointing.StateLayout.CheckAsync(new(new Sluice.Checkpointing.FolderCheckpointStore(checkpoint)), Operators("leftOuter")));

        Assert.Contains("joinType was 'inner' and is now 'leftOuter'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Entries of megabytes (50,000 rows of a batch in one key group), evicted a part at a time over batches, through
    /// the changelog and a snapshot (every tenth version), restarted from both, in memory and on RocksDB.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LargeEntries_RestoreFromChangelogAndSnapshot(bool rocksDb)
    {
        var spec = StreamJoinTests.Spec("inner", StreamJoinTests.Between);
        using var expected = new JoinRun(spec, Path.Combine(_root, "expected"), perRow: true);
        var root = Path.Combine(_root, "run");
        var run = new JoinRun(spec, root, rocksDb: rocksDb);
        try
        {
            for (var batch = 0; batch < 14; batch++)
            {
                if (batch is 4 or 12)
                {
                    run.Dispose();
                    run = new JoinRun(spec, root, version: batch - 1, rocksDb: rocksDb);
                }
                // One key (one key group): batches 0 and 1 store 50,000 rows each, over 1,000 seconds; later batches probe them.
                var left = batch < 2 ? Enumerable.Range(0, 50_000).Select(i => JoinRun.Row(7, 10 + (batch * 5) + (i % 1000))).ToList() : [];
                List<object?[]> right = [JoinRun.Row(7, 30 + (batch * 20)), JoinRun.Row(7, 32 + (batch * 20))];
                await StreamJoinStateCacheTests.AssertSameAsync(expected, run, batch, batch * 20_000L, left, right);
            }
            Assert.NotEmpty(run.State());
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>Mostly left rows, some right ones, event times spread over six batches' watermarks (so entries outlive some of their rows).</summary>
    private static (long WatermarkMs, List<object?[]> Left, List<object?[]> Right) Batch(int seed, int batch)
    {
        var random = new Random((seed * 1_000_003) + (batch * 104_729) + 7);
        List<object?[]> Rows(int count) =>
            [.. Enumerable.Range(0, count).Select(_ => JoinRun.Row(random.Next(12) == 0 ? null : random.Next(5), (batch * 10) - 5 + random.Next(60)))];
        return (batch * 10_000L, Rows(25), Rows(random.Next(8)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
