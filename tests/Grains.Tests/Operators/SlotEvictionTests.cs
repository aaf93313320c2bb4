using Sluice.Columnar;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Tests.Columnar;

namespace Sluice.Tests.Operators;

/// <summary>
/// Closing windows from the typed hot state's slots (<see cref="ClosingSlots"/>) against the object path, which always
/// scans the store for them: the same output rows in the same order and the same state bytes, with budgets small
/// enough that some groups of a window are not held, state restored from the store, and both mixed in one close; and
/// a window the hot state holds whole closes without a prefix scan of the store.
/// </summary>
public sealed class SlotEvictionTests : IDisposable
{
    private static readonly StreamSchema Schema = new([new Column("ts", DataType.Timestamp), new Column("u", DataType.Long)]);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-slot-eviction-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task RandomBatches_BudgetsAndRestores_EvictionFromSlotsGivesTheStoreScansOutputAndBytes(int seed)
    {
        var random = new Random(seed);
        var (slotScans, storeScans) = (0, 0);
        for (var query = 0; query < 12; query++)
        {
            using var pair = new QueryPair(random, r => r.Next(3) == 0 ? long.MaxValue : r.Next(6), Path.Combine(_root, $"{seed}-{query}"));
            var (schema, typed, keyGroups, bound, a, b, shape) = (pair.Schema, pair.Typed, pair.KeyGroups, pair.Bound, pair.A, pair.B, pair.Shape);
            var watermarkMs = shape.BaseMs - shape.SpreadMs - 1_000;
            for (var batch = 0; batch < 8; batch++)
            {
                if (random.Next(4) == 0)
                {
                    a.Restore();
                    b.Restore();
                }
                a.Begin();
                b.Begin();
                var context = new BatchContext(batch, watermarkMs, 0);
                for (var agent = 1 + random.Next(3); agent > 0; agent--)
                {
                    var router = new KeyGroupRouter(keyGroups) { TakesPartials = random.Next(4) != 0 };
                    typed.Route(ColumnarAggregationEquivalenceTests.RandomBatch(random, schema, shape), context, router, new LateRowSet());
                    a.Apply(router, copyBuffers: true);
                    b.Apply(router, copyBuffers: true);
                }
                var what = $"query {query} {pair.Describe()}, batch {batch}";
                // As in TypedHotStateEquivalenceTests: which groups a small budget holds differs, so does a zero's sign.
                var exact = bound == long.MaxValue;
                Assert.True(a.Finish(watermarkMs, exact ? null : Unsigned).SequenceEqual(b.Finish(watermarkMs, exact ? null : Unsigned)), what);
                Assert.True(a.State().SequenceEqual(b.State()), what);
                await a.CommitAsync(batch);
                await b.CommitAsync(batch);
                watermarkMs += random.Next(4) * (shape.SpreadMs / 2);
            }
            (slotScans, storeScans) = (slotScans + a.PrefixScans, storeScans + b.PrefixScans);
        }
        Assert.True(slotScans < storeScans, $"the typed state scanned the store for {slotScans} windows, the object path for {storeScans}");
    }

    /// <summary>
    /// Review of closing from slots: attempts cut short between ApplyPartials and Finish and re-run (the window grain's
    /// DiscardOnError drops the cache with the working version), restores, small budgets, and an availableNow run's
    /// last watermark (long.MaxValue); besides rows and bytes, the commits' state metrics match the store scan's.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task RandomBatches_AbortedAttemptsAndFinalWatermark_EvictionFromSlotsGivesTheStoreScansRowsBytesAndMetrics(int seed)
    {
        var random = new Random(seed);
        for (var query = 0; query < 10; query++)
        {
            using var pair = new QueryPair(random, r => r.Next(2) == 0 ? long.MaxValue : r.Next(8), Path.Combine(_root, $"{seed}-{query}"));
            var (schema, typed, keyGroups, bound, a, b, shape) = (pair.Schema, pair.Typed, pair.KeyGroups, pair.Bound, pair.A, pair.B, pair.Shape);
            var watermarkMs = shape.BaseMs - shape.SpreadMs - 1_000;
            const int Batches = 8;
            for (var batch = 0; batch < Batches; batch++)
            {
                if (random.Next(5) == 0)
                {
                    a.Restore();
                    b.Restore();
                }
                var inputs = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => (ColumnarAggregationEquivalenceTests.RandomBatch(random, schema, shape), random.Next(4) != 0)).ToList();
                // The last batch ends an availableNow run: every window closes.
                var wm = batch == Batches - 1 ? long.MaxValue : watermarkMs;
                var context = new BatchContext(batch, wm, 0);
                void Run()
                {
                    a.Begin();
                    b.Begin();
                    foreach (var (input, partials) in inputs)
                    {
                        var router = new KeyGroupRouter(keyGroups) { TakesPartials = partials };
                        typed.Route(input, context, router, new LateRowSet());
                        a.Apply(router, copyBuffers: true);
                        b.Apply(router, copyBuffers: true);
                    }
                }
                if (random.Next(3) == 0)
                {
                    // An attempt that fails between ApplyPartials and Finish (or in Finish), then is retried.
                    Run();
                    if (random.Next(2) == 0)
                    {
                        a.Finish(wm);
                        b.Finish(wm);
                    }
                    a.Abort();
                    b.Abort();
                }
                Run();
                var what = $"query {query} {pair.Describe()}, batch {batch}";
                var exact = bound == long.MaxValue;
                Assert.True(a.Finish(wm, exact ? null : Unsigned).SequenceEqual(b.Finish(wm, exact ? null : Unsigned)), what);
                Assert.True(a.State().SequenceEqual(b.State()), what);
                var (ma, mb) = (await a.CommitAsync(batch), await b.CommitAsync(batch));
                Assert.True(ma.Select(m => (m.Total, m.Removed)).SequenceEqual(mb.Select(m => (m.Total, m.Removed))), $"{what}: typed {string.Join(", ", ma)}, boxed {string.Join(", ", mb)}");
                if (exact)
                {
                    Assert.True(ma.SequenceEqual(mb), $"{what}: typed {string.Join(", ", ma)}, boxed {string.Join(", ", mb)}");
                }
                watermarkMs += random.Next(4) * (shape.SpreadMs / 2);
            }
        }
    }

    /// <summary>
    /// Review: a window whose group the budget drops (Admit makes room for groups read back from the store) closes by
    /// the store scan, with every group of it, in the store's key order, while a window held whole closes from slots.
    /// </summary>
    [Fact]
    public async Task Evict_GroupDroppedByAdmit_WindowClosesWholeByTheScan()
    {
        // Room for three: window [0 s, 10 s) holds users 1-3; users 4-5 of window [10 s, 20 s) find no room.
        var (a, b) = Pair("append", bound: 3);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(1_000, 1), (2_000, 2), (3_000, 3)], watermarkMs: 0);
            await Batch(a, b, 1, [(11_000, 4), (12_000, 5)], watermarkMs: 0);
            await Batch(a, b, 2, [(11_500, 4), (12_500, 5)], watermarkMs: 0);
            // Users 4 and 5 were read back from the store: Admit drops two of window [0 s, 10 s)'s untouched groups.
            await Batch(a, b, 3, [(11_600, 4), (12_600, 5)], watermarkMs: 0);
            var closed = await Batch(a, b, 4, [(21_000, 6)], watermarkMs: 20_000);
            Assert.Equal(5, closed.Count);
            // Both windows had a group in the state but not held: both close by the scan, as on the object path.
            Assert.Equal((2, 2), (a.PrefixScans, b.PrefixScans));
        }
    }

    /// <summary>
    /// Review: rows of a window that already closed (not dropped as late by the batch's routing) open it again; it closes
    /// again, from slots or by the scan, as on the object path, with a budget too small for every group.
    /// </summary>
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(2)]
    public async Task Evict_WindowOpenedAgainAfterItClosed_ClosesAgainAsTheStoreScanCloses(long bound)
    {
        var (a, b) = Pair("append", bound);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(1_000, 1), (2_000, 2), (11_000, 7)], watermarkMs: 0);
            Assert.Equal(2, (await Batch(a, b, 1, [], watermarkMs: 10_000)).Count);
            Assert.Equal(2, (await Batch(a, b, 2, [(3_000, 3), (4_000, 1)], watermarkMs: 10_000)).Count);
            Assert.Equal(4, (await Batch(a, b, 3, [(5_000, 2), (12_000, 8), (13_000, 9)], watermarkMs: long.MaxValue)).Count);
            Assert.Empty(a.State());
        }
    }

    [Fact]
    public async Task Evict_WindowHeldWhole_ClosesFromSlotsWithoutAStoreScan_AndRestoredWindowByTheScan()
    {
        var (a, b) = Pair("append", long.MaxValue);
        using (a)
        using (b)
        {
            // Window [0 s, 10 s): users 3, 1, 2; window [10 s, 20 s): user 5.
            var first = await Batch(a, b, 0, [(1_000, 3), (2_000, 1), (9_000, 2), (12_000, 5)], watermarkMs: 0);
            Assert.Empty(first);
            var second = await Batch(a, b, 1, [(13_000, 6)], watermarkMs: 10_000);
            Assert.Equal(3, second.Count);
            Assert.Equal(0, a.PrefixScans);
            Assert.Equal(1, b.PrefixScans);
            // Reactivated over the committed store: the window it restored closes by the store scan.
            a.Restore();
            b.Restore();
            var third = await Batch(a, b, 2, [], watermarkMs: 20_000);
            Assert.Equal(2, third.Count);
            Assert.Equal(1, a.PrefixScans);
        }
    }

    [Fact]
    public async Task Evict_OneWindowHeldWholeAndOneNot_ScansTheStoreOnlyForTheOneNotHeld()
    {
        // Room for two groups: the first window's two are held, the second window's three find no room.
        var (a, b) = Pair("append", bound: 2);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(1_000, 1), (2_000, 2)], watermarkMs: 0);
            await Batch(a, b, 1, [(11_000, 3), (12_000, 4), (13_000, 5)], watermarkMs: 0);
            var closed = await Batch(a, b, 2, [], watermarkMs: 20_000);
            Assert.Equal(5, closed.Count);
            Assert.Equal(1, a.PrefixScans);
            Assert.Equal(2, b.PrefixScans);
        }
    }

    /// <summary>
    /// The batch's new groups of a window still open are held after the close: the room the closed window's groups
    /// free goes to them, so their window stays whole and closes from slots (held first, they found no room, and
    /// their window closed by the store scan).
    /// </summary>
    [Fact]
    public async Task Evict_RoomTheCloseFrees_HoldsTheBatchsNewGroupsOfOpenWindows()
    {
        // Room for two groups: window [0 s, 10 s) holds users 1-2.
        var (a, b) = Pair("append", bound: 2);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(1_000, 1), (2_000, 2)], watermarkMs: 0);
            // The watermark closes [0 s, 10 s) in the batch that adds users 3-4 of [10 s, 20 s).
            Assert.Equal(2, (await Batch(a, b, 1, [(11_000, 3), (12_000, 4)], watermarkMs: 10_000)).Count);
            Assert.Equal(2, (await Batch(a, b, 2, [], watermarkMs: 20_000)).Count);
            Assert.Equal((0, 2), (a.PrefixScans, b.PrefixScans));
        }
    }

    /// <summary>
    /// A stored group the batch updates finds no room and its window closes in the same batch: the close removes it by
    /// the store scan, and it is not held afterwards (the hot state holds nothing the state does not).
    /// </summary>
    [Fact]
    public async Task Evict_GroupReadBackWithNoRoom_WhoseWindowClosesInTheBatch_IsNotHeldAfterTheClose()
    {
        // Room for two groups: window [0 s, 10 s) holds users 1-2; user 3 is only in the store.
        var (a, b) = Pair("append", bound: 2);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(1_000, 1), (2_000, 2), (3_000, 3)], watermarkMs: 0);
            Assert.Equal(2, a.HeldEntries);
            // User 3 again, in the batch whose watermark closes [0 s, 10 s).
            Assert.Equal(3, (await Batch(a, b, 1, [(4_000, 3)], watermarkMs: 10_000)).Count);
            Assert.Empty(a.State());
            Assert.Equal(0, a.HeldEntries);
        }
    }

    /// <summary>
    /// When the budget runs out, the batch's new groups of the window closing soonest are held first, whatever the order
    /// the batch touched them in: that window stays whole and closes from slots, the later one by the store scan.
    /// </summary>
    [Fact]
    public async Task Hold_BudgetRunsOut_WindowClosingSoonestIsHeldWhole()
    {
        // Room for two groups; the batch touches user 1 of [10 s, 20 s) before users 2-3 of [0 s, 10 s).
        var (a, b) = Pair("append", bound: 2);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(11_000, 1), (1_000, 2), (2_000, 3)], watermarkMs: 0);
            Assert.Equal(2, (await Batch(a, b, 1, [], watermarkMs: 10_000)).Count);
            Assert.Equal((0, 1), (a.PrefixScans, b.PrefixScans));
            Assert.Single(await Batch(a, b, 2, [], watermarkMs: 20_000));
        }
    }

    /// <summary>
    /// A held group the batch touches and its close removes (a window opened again after it closed, or the last
    /// watermark) is freed once: the slots of later groups stay their own.
    /// </summary>
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(3)]
    public async Task Evict_TouchedHeldGroupTheCloseRemoves_IsFreedOnce(long bound)
    {
        var (a, b) = Pair("append", bound);
        using (a)
        using (b)
        {
            await Batch(a, b, 0, [(1_000, 1), (2_000, 2)], watermarkMs: 0);
            // User 1's held group is touched and closes in the same batch.
            Assert.Equal(2, (await Batch(a, b, 1, [(3_000, 1), (11_000, 5)], watermarkMs: 10_000)).Count);
            await Batch(a, b, 2, [(21_000, 6), (22_000, 7), (23_000, 8)], watermarkMs: 10_000);
            Assert.Equal(4, (await Batch(a, b, 3, [(24_000, 6)], watermarkMs: long.MaxValue)).Count);
            Assert.Empty(a.State());
        }
    }

    [Fact]
    public async Task Update_KeysOfOneWindow_ShareOneDecodedWindowValue()
    {
        var (a, b) = Pair("update", long.MaxValue);
        using (a)
        using (b)
        {
            a.Begin();
            var router = new KeyGroupRouter(1) { TakesPartials = true };
            Operator("update").Route(Input([(1_000, 1), (2_000, 2), (3_000, 3)]), new BatchContext(0, 0, 0), router, new LateRowSet());
            a.Apply(router);
            var rows = a.FinishRows(0);
            Assert.Equal(3, rows.Count);
            Assert.All(rows, row => Assert.Same(rows[0][0], row[0]));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A random closing query planned twice, typed and on the object path, each over its own key groups.</summary>
    private sealed class QueryPair : IDisposable
    {
        private readonly List<string> _keys;
        private readonly List<string> _aggs;
        private readonly string _mode;

        public QueryPair(Random random, Func<Random, long> bound, string root)
        {
            Schema = ColumnarAggregationEquivalenceTests.RandomSchema(random);
            (_keys, _aggs, var watermark, _mode) = EvictingQuery(random, Schema);
            Typed = ColumnarAggregationHarness.Plan(Schema, _keys, _aggs, _mode, watermark);
            var boxed = ColumnarAggregationHarness.Plan(Schema, _keys, _aggs, _mode, watermark);
            boxed.TypedState = false;
            KeyGroups = 1 + random.Next(3);
            Bound = bound(random);
            A = new AggregationKeyGroups(Typed, KeyGroups, Bound, root + "-typed");
            B = new AggregationKeyGroups(boxed, KeyGroups, Bound, root + "-boxed");
            Shape = new ColumnarAggregationEquivalenceTests.BatchShape(random);
        }

        public StreamSchema Schema { get; }
        public AggregationOperator Typed { get; }
        public int KeyGroups { get; }
        public long Bound { get; }
        public AggregationKeyGroups A { get; }
        public AggregationKeyGroups B { get; }
        public ColumnarAggregationEquivalenceTests.BatchShape Shape { get; }

        public string Describe() => $"[{string.Join(", ", _keys)}] [{string.Join(", ", _aggs)}] {_mode}, bound {Bound}";

        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
        }
    }

    /// <summary>A random query whose groups close: a watermark on the window or time key, append or update mode.</summary>
    private static (List<string> Keys, List<string> Aggs, string? Watermark, string Mode) EvictingQuery(Random random, StreamSchema schema)
    {
        while (true)
        {
            var query = ColumnarAggregationEquivalenceTests.RandomQuery(random, schema);
            if (query.Watermark is not null && query.Mode != "complete" && query.Keys.Any(k => k == "ts" || k.EndsWith(" AS w", StringComparison.Ordinal)))
            {
                return query;
            }
        }
    }

    private (AggregationKeyGroups Typed, AggregationKeyGroups Boxed) Pair(string mode, long bound)
    {
        var boxed = Operator(mode);
        boxed.TypedState = false;
        return (new AggregationKeyGroups(Operator(mode), 1, bound, Path.Combine(_root, "typed")),
            new AggregationKeyGroups(boxed, 1, bound, Path.Combine(_root, "boxed")));
    }

    private static AggregationOperator Operator(string mode) =>
        ColumnarAggregationHarness.Plan(Schema, ["window(ts, '10 seconds') AS w", "u"], ["count(*) AS n", "sum(u) AS s"], mode, "ts");

    private static ColumnBatch Input(IEnumerable<(long Ms, long User)> rows) =>
        ColumnBatch.FromRows(Schema, [.. rows.Select(r => new object?[] { DateTime.UnixEpoch.AddMilliseconds(r.Ms), r.User })]);

    /// <summary>One batch both ways, committed; asserts the same output and state, and returns the output.</summary>
    private static async Task<List<string>> Batch(AggregationKeyGroups a, AggregationKeyGroups b, long batch, (long Ms, long User)[] rows, long watermarkMs)
    {
        a.Begin();
        b.Begin();
        var router = new KeyGroupRouter(1) { TakesPartials = true };
        Operator("append").Route(Input(rows), new BatchContext(batch, 0, 0), router, new LateRowSet());
        a.Apply(router, copyBuffers: true);
        b.Apply(router, copyBuffers: true);
        var output = a.Finish(watermarkMs);
        Assert.Equal(b.Finish(watermarkMs), output);
        Assert.Equal(b.State(), a.State());
        await a.CommitAsync(batch);
        await b.CommitAsync(batch);
        return output;
    }

    private static object? Unsigned(object? value) => value is double d && d == 0 ? 0.0 : value;
}
