using System.Globalization;
using Sluice.Checkpointing;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;

namespace Sluice.Tests.Operators;

/// <summary>
/// The built-in sessionizer's typed path (columnar payloads or keyed rows into <c>SessionizerBatch</c>, sessions held in
/// <c>HotSessions</c>) against the general path (<see cref="GroupsWithStateBatch"/> through the processor invoker) of
/// the same operator, on random inputs over many batches: several agents each sending columns or rows, late rows,
/// ties in event time, nulls, timeouts, a bounded state cache, aborted batches and restarts from the checkpoint, and
/// the routes' pooled payloads reused once delivered. After every batch both must give the same output rows in the
/// same order, the same late-row counts and the same state bytes.
/// </summary>
public sealed class SessionizerEquivalenceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-sessionizer-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task RandomBatches_TypedPathGivesTheGeneralPathsRowsStateAndTimeouts(int seed)
    {
        var random = new Random(seed);
        var timedOut = 0;
        for (var query = 0; query < 6; query++)
        {
            var schema = RandomSchema(random);
            var op = Plan(schema, random.Next(3) == 0 ? ["user_id", "region"] : ["user_id"]);
            Assert.True(op.IsTypedSessionizer);
            var keyGroups = 1 + random.Next(4);
            var bound = random.Next(3) == 0 ? random.Next(6) : long.MaxValue;
            var general = new SessionKeyGroups(op, keyGroups, long.MaxValue, Path.Combine(_root, $"{seed}-{query}-general"), typed: false);
            var typed = new SessionKeyGroups(op, keyGroups, bound, Path.Combine(_root, $"{seed}-{query}-typed"), typed: true);
            try
            {
                var watermarkMs = BaseMs;
                for (var b = 0; b < 12; b++)
                {
                    var agents = Enumerable.Range(0, random.Next(4)).Select(_ => RandomRows(random, schema, watermarkMs)).ToList();
                    var columnar = agents.Select(_ => random.Next(3) != 0).ToList();
                    var abort = random.Next(6) == 0;
                    for (var attempt = abort ? 0 : 1; attempt < 2; attempt++)
                    {
                        var context = new BatchContext(b, watermarkMs, 0);
                        var (generalLate, generalRows) = general.Run(agents, columnar, context);
                        var (typedLate, typedRows) = typed.Run(agents, columnar, context);
                        Assert.Equal(generalLate, typedLate);
                        Assert.Equal(generalRows, typedRows);
                        Assert.Equal(general.State(), typed.State());
                        timedOut += typedRows.Count;
                        if (attempt == 0)
                        {
                            general.Abort();
                            typed.Abort();
                        }
                    }
                    await general.CommitAsync(b);
                    await typed.CommitAsync(b);
                    switch (random.Next(6))
                    {
                        case 0:
                            typed = await typed.ReopenAsync(b, typed.Root);
                            break;
                        case 1:
                            // Each path resumes the other's checkpoint.
                            var (generalRoot, typedRoot) = (general.Root, typed.Root);
                            general.Dispose();
                            typed.Dispose();
                            general = await general.ReopenAsync(b, typedRoot);
                            typed = await typed.ReopenAsync(b, generalRoot);
                            break;
                    }
                    watermarkMs += random.Next(4) == 0 ? 0 : random.Next(12 * 60_000);
                }
            }
            finally
            {
                general.Dispose();
                typed.Dispose();
            }
        }
        Assert.True(timedOut > 0, "no session timed out: the test would prove nothing about timeouts");
    }

    /// <summary>
    /// Sessions that grow over batches: the typed path writes each as a patch of its committed value (the ids it held
    /// are kept, not written again), so its changelogs are smaller than the general path's, and a restart from them
    /// gives the general path's state byte for byte.
    /// </summary>
    [Fact]
    public async Task GrowingSessions_AreWrittenAsPatches_AndRestoreToTheGeneralPathsState()
    {
        var schema = new StreamSchema([new Column("user_id", DataType.String), new Column("event_time", DataType.Timestamp),
            new Column("amount", DataType.Double), new Column("event_id", DataType.String)]);
        var op = Plan(schema, ["user_id"]);
        var general = new SessionKeyGroups(op, 2, long.MaxValue, Path.Combine(_root, "grow-general"), typed: false);
        var typed = new SessionKeyGroups(op, 2, long.MaxValue, Path.Combine(_root, "grow-typed"), typed: true);
        try
        {
            for (var b = 0; b < 5; b++)
            {
                // Each user's events a few seconds apart: sessions stay open (the watermark stays behind their gap).
                var rows = Enumerable.Range(0, 40).Select(i => new object?[]
                {
                    $"u{i % 8}", DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(BaseMs + (b * 40_000L) + (i * 1000L)), DateTimeKind.Utc),
                    (double)i, $"event-{b}-{i}-with-a-longer-id",
                }).ToList();
                var context = new BatchContext(b, BaseMs, 0);
                var (_, generalRows) = general.Run([rows], [true], context);
                var (_, typedRows) = typed.Run([rows], [true], context);
                Assert.Equal(generalRows, typedRows);
                Assert.Equal(general.State(), typed.State());
                await general.CommitAsync(b);
                await typed.CommitAsync(b);
            }
            var typedDelta = StateFile.Parse(File.ReadAllBytes(Path.Combine(typed.Root, "state", "0", "0", "4.delta")), "typed", StateFileKind.Delta, 4);
            var generalDelta = StateFile.Parse(File.ReadAllBytes(Path.Combine(general.Root, "state", "0", "0", "4.delta")), "general", StateFileKind.Delta, 4);
            var patches = 0;
            foreach (var record in typedDelta)
            {
                patches += record.IsPatch ? 1 : 0;
            }
            Assert.True(patches > 0, "the typed path wrote no patch");
            // Uncompressed records: the typed path's carry each session's new ids, the general path's all of them.
            Assert.True(typedDelta.RecordsLength * 2 < generalDelta.RecordsLength,
                $"the typed path's changelog records are {typedDelta.RecordsLength} bytes, the general path's {generalDelta.RecordsLength}");
            typed = await typed.ReopenAsync(4, typed.Root);
            Assert.Equal(general.State(), typed.State());
        }
        finally
        {
            general.Dispose();
            typed.Dispose();
        }
    }

    [Fact]
    public void Plan_OtherProcessorsModesAndInputs_StayOnTheGeneralPath()
    {
        var schema = new StreamSchema([new Column("user_id", DataType.String), new Column("event_time", DataType.Timestamp), new Column("amount", DataType.Double)]);
        Assert.True(Plan(schema, ["user_id"]).IsTypedSessionizer);
        Assert.False(Plan(schema, ["user_id"], flatMap: false).IsTypedSessionizer);
        Assert.False(Plan(schema, ["user_id"], processor: "RunningCount", timeout: "none").IsTypedSessionizer);
        Assert.False(Plan(new StreamSchema([new Column("user_id", DataType.String), new Column("event_time", DataType.Timestamp)]), ["user_id"]).IsTypedSessionizer);
    }

    [Fact]
    public void SessionJson_WritesTheSerializersBytes()
    {
        var random = new Random(11);
        for (var i = 0; i < 400; i++)
        {
            var session = new Processing.BuiltIn.Sessionizer.Session
            {
                StartMs = random.NextInt64(long.MinValue, long.MaxValue),
                LastMs = random.Next(3) == 0 ? 0 : random.NextInt64(),
                TotalAmount = random.Next(4) switch { 0 => 0, 1 => -0.0, 2 => random.NextDouble() * 1e300, _ => Math.Round(random.NextDouble() * 1000, 2) },
                EventIds = [.. Enumerable.Range(0, random.Next(5)).Select(_ => RandomId(random))],
            };
            var timeout = random.NextInt64();
            var expected = new GroupStateValue(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(session), timeout).Encode();
            var held = Sluice.Operators.Sessions.HeldSession.From(session, null, -1);
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(Sluice.Operators.Sessions.SessionJson.WriteValue(held, timeout)));
        }
    }

    /// <summary>
    /// A session folded on the typed path (ids appended as tokens, straight from their chars) against the processor's
    /// own session: the same stored bytes, and the same emitted row after the state is read back as the general path reads it.
    /// </summary>
    [Fact]
    public void HeldSession_FoldsWritesAndEmitsAsTheProcessor()
    {
        var random = new Random(12);
        for (var i = 0; i < 400; i++)
        {
            var session = new Processing.BuiltIn.Sessionizer.Session();
            var held = new Sluice.Operators.Sessions.HeldSession();
            for (var e = random.Next(6); e > 0; e--)
            {
                var ms = BaseMs + random.Next(-1000, 1000);
                var amount = Math.Round(random.NextDouble() * 100, 2);
                var id = random.Next(4) switch
                {
                    0 => ms.ToString(CultureInfo.InvariantCulture),
                    // Every printable ASCII char, each alone among plain ones: the encoder escapes some of them.
                    1 => "a" + (char)random.Next(0x20, 0x7F) + "1",
                    _ => RandomId(random) + (random.Next(3) == 0 ? "+é" + (char)random.Next(0x20, 0x7F) : ""),
                };
                Processing.BuiltIn.Sessionizer.Add(session, ms, amount, id);
                var token = new byte[(id.Length * 6) + 2];
                var length = 0;
                Sluice.Operators.Sessions.SessionIds.AppendToken(ref token, ref length, id);
                held.Add(ms, amount, token.AsSpan(0, length));
            }
            var stored = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(session);
            Assert.Equal(Convert.ToHexString(new GroupStateValue(stored, 7).Encode()), Convert.ToHexString(Sluice.Operators.Sessions.SessionJson.WriteValue(held, 7)));
            var readBack = System.Text.Json.JsonSerializer.Deserialize<Processing.BuiltIn.Sessionizer.Session>(stored)!;
            Assert.Equal(Describe(Processing.BuiltIn.Sessionizer.Emit(["u"], readBack)), Describe(held.Emit(["u"])));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static readonly long BaseMs = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static GroupsWithStateOperator Plan(StreamSchema schema, string[] keys, bool flatMap = true, string processor = "Sessionizer", string timeout = "eventTime")
    {
        var time = schema.IndexOf("event_time");
        return GroupsWithStateOperator.Create(0, "operators[1]", new GroupsWithStateSpec(flatMap, keys, processor, timeout, OutputMode.Update), schema,
            new WatermarkColumn(new WithWatermarkSpec("event_time", TimeSpan.FromSeconds(30)), time, "event_time"));
    }

    /// <summary>Event ids of several types or none, amounts double or not, an extra column the processor never reads.</summary>
    private static StreamSchema RandomSchema(Random random)
    {
        List<Column> columns = [new("user_id", DataType.String), new("region", DataType.Long), new("event_time", DataType.Timestamp),
            new("amount", random.Next(4) == 0 ? DataType.Long : DataType.Double), new("note", DataType.String)];
        switch (random.Next(3))
        {
            case 0:
                columns.Add(new Column("event_id", DataType.String));
                break;
            case 1:
                columns.Add(new Column("event_id", DataType.Long));
                break;
        }
        return new StreamSchema([.. columns.OrderBy(_ => random.Next())]);
    }

    /// <summary>Rows about the watermark (some behind it), few users, times on a coarse grid so ties are common.</summary>
    private static List<object?[]> RandomRows(Random random, StreamSchema schema, long watermarkMs)
    {
        var rows = new List<object?[]>();
        var count = random.Next(40);
        for (var i = 0; i < count; i++)
        {
            var row = new object?[schema.Count];
            var ms = watermarkMs - 60_000 + (random.Next(40) * 15_000L);
            Set(row, schema, "user_id", random.Next(12) == 0 ? null : RandomUser(random));
            Set(row, schema, "region", random.Next(5) == 0 ? null : (object)(long)random.Next(2));
            Set(row, schema, "event_time", DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(ms).AddTicks(random.Next(3) == 0 ? random.Next(10_000) : 0), DateTimeKind.Utc));
            Set(row, schema, "amount", random.Next(5) == 0 ? null : schema[schema.IndexOf("amount")].Type.Kind == DataTypeKind.Double
                ? Math.Round(random.NextDouble() * 100, 2) : (object)(long)random.Next(100));
            Set(row, schema, "note", "n" + random.Next(3));
            if (schema.IndexOf("event_id") is var id && id >= 0)
            {
                row[id] = random.Next(8) == 0 ? null : schema[id].Type.Kind == DataTypeKind.String ? RandomId(random) : (long)random.Next(1000);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Few users, some whose encoded key the columnar route cannot keep in a slot of its encoded strings (longer than
    /// 15 bytes) or whose chars need more than one byte, a lone surrogate (encoded as U+FFFD, so it shares a key with
    /// that char) and the empty string.
    /// </summary>
    private static string RandomUser(Random random) => random.Next(5) switch
    {
        0 => new[] { "", "\ud800", "\ufffd", "é中🙂", "a-user-whose-id-is-longer-than-a-slot" }[random.Next(5)],
        _ => $"u{random.Next(7)}",
    };

    /// <summary>Mostly plain ids; some with characters JSON escapes, non-ASCII ones, a lone surrogate, or empty.</summary>
    private static string RandomId(Random random) => random.Next(6) switch
    {
        0 => new[] { "", "<a&b>", "q\"uote\\", "tab\t\n", "\u0001", "é中🙂", "+'", "\ud800x" }[random.Next(8)],
        _ => "e" + random.Next(1000),
    };

    private static void Set(object?[] row, StreamSchema schema, string column, object? value) => row[schema.IndexOf(column)] = value;

    private static string Describe(object?[] row) => string.Join("|", row.Select(v => v switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    }));

    /// <summary>One side's key groups, as window grains hold them: a memory store and an operator cache each.</summary>
    private sealed class SessionKeyGroups : IDisposable
    {
        private readonly GroupsWithStateOperator _op;
        private readonly int _count;
        private readonly long _bound;
        private readonly string _root;
        private readonly bool _typed;
        private readonly IStateStore[] _stores;
        private readonly OperatorCache[] _caches;
        private readonly StateCacheBudget _budget;
        private bool _disposed;

        public SessionKeyGroups(GroupsWithStateOperator op, int count, long bound, string root, bool typed, long version = -1)
        {
            (_op, _count, _bound, _root, _typed) = (op, count, bound, root, typed);
            var provider = new MemoryStateStoreProvider(new StateStoreOptions { LocalRoot = Path.Combine(root, "local") });
            var checkpoint = new FolderCheckpointStore(root);
            _budget = new StateCacheBudget(bound);
            _stores = [.. Enumerable.Range(0, count).Select(g => provider.OpenAsync(new StateStoreId(0, g), checkpoint, "q", version).GetAwaiter().GetResult())];
            _caches = [.. Enumerable.Range(0, count).Select(_ => new OperatorCache(_budget))];
        }

        /// <summary>One batch: each agent routes its rows (as columns where asked, typed side only), then every key group finishes.</summary>
        public (int Late, List<string> Rows) Run(List<List<object?[]>> agents, List<bool> columnar, BatchContext context)
        {
            var batches = Enumerable.Range(0, _count).Select(g => _typed ? _op.BeginBatch(_stores[g], _caches[g]) : _op.BeginGeneralBatch(_stores[g], _caches[g])).ToList();
            var late = 0;
            // Every agent routes before any key group reads, as agents run side by side: a route's lent payloads must
            // stay as they are until the router says they were delivered.
            var routers = new List<KeyGroupRouter>();
            for (var a = 0; a < agents.Count; a++)
            {
                var router = new KeyGroupRouter(_count) { TakesPartials = _typed };
                var lateRows = new LateRowSet();
                if (_typed && columnar[a])
                {
                    _op.Route(ColumnBatch.FromRows(_op.InputSchema, agents[a]), context, router, lateRows);
                }
                else
                {
                    _op.Route([.. agents[a]], context, router, lateRows);
                }
                late += lateRows.Dropped;
                routers.Add(router);
            }
            foreach (var router in routers)
            {
                foreach (var (group, records) in router.Groups)
                {
                    batches[group].Apply(records);
                    if (router.PartialsOf(group) is { } partials)
                    {
                        batches[group].ApplyPartials(partials);
                    }
                }
                router.Delivered();
            }
            var rows = batches.SelectMany((batch, g) => batch.Finish(context.WatermarkMs, 0).Select(row => $"{g}: {Describe(row)}")).ToList();
            return (late, rows);
        }

        public List<string> State() =>
            [.. _stores.SelectMany((store, g) => store.Iterate().Select(e => $"{g}: {Convert.ToHexString(e.Key)}={Convert.ToHexString(e.Value)}"))];

        /// <summary>A batch cut short: each working version thrown away with its cache, as the window grain does.</summary>
        public void Abort()
        {
            for (var g = 0; g < _count; g++)
            {
                _stores[g].Abort();
                _caches[g].Dispose();
            }
        }

        public async Task CommitAsync(long batchId)
        {
            foreach (var store in _stores)
            {
                await store.CommitAsync(batchId);
            }
        }

        public string Root => _root;

        /// <summary>A restart: the stores reopened from the checkpoint in <paramref name="root"/> at <paramref name="version"/>, the caches rebuilt from them.</summary>
        public async Task<SessionKeyGroups> ReopenAsync(long version, string root)
        {
            Dispose();
            await Task.Yield();
            return new SessionKeyGroups(_op, _count, _bound, root, _typed, version);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var cache in _caches)
            {
                cache.Dispose();
            }
            foreach (var store in _stores)
            {
                store.Dispose();
            }
            Assert.Equal(0, _budget.Used);
        }
    }
}
