using Sluice.Checkpointing;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// The aggregation's hot state (decoded groups kept between batches, bounded by the silo's budget) and its closing
/// index: the same output and the same stored bytes as reading every group from the store, whatever the bound, after
/// a batch cut short, and from a checkpoint written before hot state existed.
/// </summary>
public sealed class HotStateAggregationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-hot-tests", Guid.NewGuid().ToString("N"));

    /// <param name="userFirst">Key the count by user, then window: the key that closes is not the stored key's prefix.</param>
    private static QuerySpec Spec(string mode, bool userFirst = false)
    {
        var json = WindowedAggregationTests.SpecJson(mode);
        return SpecReader.Read(userFirst
            ? json.Replace("[\"window(event_time, '5 minutes') AS window\", \"user_id\"]", "[\"user_id\", \"window(event_time, '5 minutes') AS window\"]")
            : json);
    }

    [Theory]
    [InlineData("update", false, 1)]
    [InlineData("append", false, 1)]
    [InlineData("complete", false, 1)]
    [InlineData("append", true, 1)]
    [InlineData("update", true, 1)]
    [InlineData("update", false, 7)]
    [InlineData("append", true, 7)]
    [InlineData("append", false, 0)]
    public async Task BoundedCache_GivesTheOutputAndStoredStateOfAnUnboundedOne(string mode, bool userFirst, long bound)
    {
        var unbounded = new StateCacheBudget(long.MaxValue);
        var budget = new StateCacheBudget(bound);
        using var free = new AggregationRun(Spec(mode, userFirst), Path.Combine(_root, "free"), keepCache: true, unbounded);
        using var tight = new AggregationRun(Spec(mode, userFirst), Path.Combine(_root, "tight"), keepCache: true, budget);
        var random = new Random(11);
        var watermark = 0L;
        for (var batch = 0; batch < 15; batch++)
        {
            var partitions = RandomPartitions(random, watermark);
            var a = await free.BatchAsync(batch, watermark, partitions);
            var b = await tight.BatchAsync(batch, watermark, partitions);
            Assert.Equal(a.Output, b.Output);
            Assert.Equal(a.StateRows, b.StateRows);
            Assert.Equal(a.Late, b.Late);
            Assert.Equal(free.State(), tight.State());
            Assert.InRange(budget.Used, 0, bound);
            // Unbounded, every group of the state is held (complete mode too: it never evicts).
            Assert.Equal(a.StateRows, unbounded.Used);
            watermark += random.Next(3) * 100_000;
        }
        tight.Dispose();
        Assert.Equal(0, budget.Used);
    }

    [Theory]
    [InlineData("update", false, false)]
    [InlineData("append", false, false)]
    [InlineData("append", false, true)]
    [InlineData("append", true, true)]
    [InlineData("complete", false, true)]
    public async Task BatchCutShort_ThenReRun_GivesTheStateAndOutputOfAnUninterruptedRun(string mode, bool userFirst, bool rocksDb)
    {
        using var straight = new AggregationRun(Spec(mode, userFirst), Path.Combine(_root, "straight"), keepCache: true, rocksDb: rocksDb);
        using var interrupted = new AggregationRun(Spec(mode, userFirst), Path.Combine(_root, "interrupted"), keepCache: true, new StateCacheBudget(20), rocksDb);
        var random = new Random(5);
        var watermark = 0L;
        for (var batch = 0; batch < 12; batch++)
        {
            var partitions = RandomPartitions(random, watermark);
            var a = await straight.BatchAsync(batch, watermark, partitions);
            if (batch % 2 == 1)
            {
                // The cut-short attempt saw other rows (one agent's, and one that a re-run reads differently) and a
                // later watermark, so its merges, new groups and evictions all differ from the re-run's.
                await interrupted.BatchAsync(batch, watermark + 300_000, [partitions[0], RandomPartitions(random, watermark)[1]], commit: false);
                interrupted.AbortAll();
            }
            var b = await interrupted.BatchAsync(batch, watermark, partitions);
            Assert.Equal(a.Output, b.Output);
            Assert.Equal(a.StateRows, b.StateRows);
            Assert.Equal(straight.State(), interrupted.State());
            watermark += random.Next(3) * 100_000;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CheckpointWrittenBeforeHotState_Resumes(bool rocksDb)
    {
        // Fixtures/aggregation-append-v1: two committed batches of the append count, written by the operator that read
        // every group from the store and indexed closing times per key: a@0=3, b@0=1, c@300=2, d@300=1, e@600=1.
        var root = OperatorFixtures.Copy("aggregation-append-v1", _root);
        using var run = new AggregationRun(Spec("append"), root, keepCache: true, new StateCacheBudget(2), rocksDb, version: 1);

        var more = await run.BatchAsync(2, 0, [AggregationRun.Row("a", 50), AggregationRun.Row("d", 350)]);
        Assert.Empty(more.Output);
        Assert.Equal(5, more.StateRows);
        var closes = await run.BatchAsync(3, 600_000);
        Assert.Equal(["a@0=4", "b@0=1", "c@300=2", "d@300=2"], closes.Output);
        Assert.Equal(1, closes.StateRows);
    }

    [Fact]
    public async Task CheckpointWrittenBeforeHotState_ResumesInUpdateMode()
    {
        var root = OperatorFixtures.Copy("aggregation-append-v1", _root);
        using var run = new AggregationRun(Spec("update"), root, keepCache: true, version: 1);

        var more = await run.BatchAsync(2, 0, [AggregationRun.Row("a", 50), AggregationRun.Row("e", 650)]);
        Assert.Equal(["a@0=4", "e@600=2"], more.Output);
        var again = await run.BatchAsync(3, 0, [AggregationRun.Row("a", 60)]);
        Assert.Equal(["a@0=5"], again.Output);
    }

    [Fact]
    public async Task ClosingGroups_WindowFirst_HoldOneEntryPerWindow_AndFindTheirKeysByPrefix()
    {
        using var store = await new MemoryStateStoreProvider(new StateStoreOptions()).OpenAsync(new StateStoreId(0, 0), new FolderCheckpointStore(_root), "q", -1);
        for (var user = 0; user < 300; user++)
        {
            for (var w = 0; w < 3; w++)
            {
                store.Put(RowCodec.Encode([Window(w), "u" + user]), RowCodec.Encode([1L]));
            }
        }
        var index = ClosingGroups.Build(store, byPrefix: true, key => EventTimes.ToMs((DateTime)((StructValue)key[0]!).Values[1]!));

        Assert.Equal(3, index.Entries);
        var due = index.TakeDue(EventTimes.ToMs(AggregationRun.T0.AddMinutes(10)) + 1);
        Assert.Equal(2, due.Count);
        Assert.Equal(600, due.Sum(prefix => store.IteratePrefix(prefix).Count()));
        Assert.Equal(1, index.Entries);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("append")]
    public async Task GroupsHeldOrNew_AreNeitherReadNorLookedUpInTheStore(string mode)
    {
        // Unbounded, the hot state holds every group from the empty store on: a key it does not hold is new. Neither
        // the batch (store reads) nor the commit (committed lengths) nor eviction needs the store's point reads.
        using var run = new AggregationRun(Spec(mode), Path.Combine(_root, "held"), keepCache: true, rocksDb: true);
        var first = await run.BatchAsync(0, 0, [AggregationRun.Row("a", 10), AggregationRun.Row("b", 20), AggregationRun.Row("a", 400)]);
        var second = await run.BatchAsync(1, 0, [AggregationRun.Row("a", 30), AggregationRun.Row("c", 40), AggregationRun.Row("b", 410)]);
        var closes = await run.BatchAsync(2, 300_000, [AggregationRun.Row("a", 420)]);

        Assert.Equal(mode == "update" ? ["a@300=2"] : ["a@0=2", "b@0=1", "c@0=1"], closes.Output);
        Assert.Equal(2, closes.StateRows);
        Assert.Equal([0L, 0L, 0L], new[] { first.StoreGets, second.StoreGets, closes.StoreGets });
    }

    [Fact]
    public async Task GroupsOfAWindowTheClosingIndexNeverSaw_AreNotReadFromTheStore()
    {
        // No room for hot groups, so only the closing index can tell: a window it has never seen has no stored group.
        using var run = new AggregationRun(Spec("update"), Path.Combine(_root, "cold"), keepCache: true, new StateCacheBudget(0), rocksDb: true);
        // Enough users that every key group (the index is per key group) sees the first window.
        await run.BatchAsync(0, 0, [.. Enumerable.Range(0, 20).Select(u => AggregationRun.Row("u" + u, 10))]);
        var newWindow = await run.BatchAsync(1, 0, [AggregationRun.Row("a", 310), AggregationRun.Row("b", 320), AggregationRun.Row("c", 330)]);
        var knownWindow = await run.BatchAsync(2, 0, [AggregationRun.Row("u1", 30), AggregationRun.Row("c", 40)]);

        Assert.Equal(["a@300=1", "b@300=1", "c@300=1"], newWindow.Output);
        Assert.Equal(0, newWindow.StoreGets);
        Assert.Equal(["c@0=1", "u1@0=2"], knownWindow.Output);
        // The known window's keys are read (u1 stored, c not), once each.
        Assert.Equal(2, knownWindow.StoreGets);
    }

    [Fact]
    public void HotGroups_FullBudget_NewGroupsWaitForRoom_GroupsReadBackPushOutUntouchedOnes()
    {
        var budget = new StateCacheBudget(2);
        using var hot = new HotGroups(budget);
        byte[] a = [1], b = [2], c = [3], d = [4];
        hot.BeginBatch();
        Assert.True(hot.TryAdd(a, ["a"], [1L]));
        Assert.True(hot.TryAdd(b, ["b"], [1L]));
        hot.BeginBatch();
        Assert.True(hot.TryGet(a, out _, out _));
        // A group new to the state finds no room and pushes nothing out.
        Assert.False(hot.TryAdd(c, ["c"], [1L]));
        // A group read back from the store makes room: b, which this batch does not touch, goes.
        hot.Admit([(d, ["d"], [2L])], new Dictionary<byte[], object?[]>(ByteKeyComparer.Instance) { [a] = [], [d] = [] });
        Assert.True(hot.TryGet(a, out _, out _));
        Assert.True(hot.TryGet(d, out _, out var buffer));
        Assert.Equal(2L, buffer[0]);
        Assert.False(hot.TryGet(b, out _, out _));
        Assert.Equal(2, budget.Used);
    }

    private static StructValue Window(int i) => new([AggregationRun.T0.AddMinutes(5 * i), AggregationRun.T0.AddMinutes(5 * (i + 1))]);

    private static List<object?[]>[] RandomPartitions(Random random, long watermarkMs) =>
        [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, random.Next(5, 40))
            .Select(_ => AggregationRun.Row("u" + random.Next(25), watermarkMs / 1000 - 300 + random.Next(1200))).ToList())];

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
