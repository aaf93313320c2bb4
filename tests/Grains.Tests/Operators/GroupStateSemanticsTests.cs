using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Processing;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// Spark's <c>GroupState</c> and <c>InputProcessor</c> facts (FlatMapGroupsWithStateSuite's "GroupState - ..." and
/// "InputProcessor - ..." tests) that no built-in processor reaches, on the general path's batch: a timeout set
/// without a state value, or kept after <c>remove()</c>, stays with the key (as Spark's state row with a null state
/// object) and fires; a removal with no timeout deletes the key; the calls the timeouts refuse.
/// </summary>
public sealed class GroupStateSemanticsTests : IDisposable
{
    private const long Second = 1000;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-groupstate-tests", Guid.NewGuid().ToString("N"));
    private readonly IStateStore _store;
    private readonly OperatorCache _cache = new(new StateCacheBudget(long.MaxValue));
    private readonly GroupsWithStateOperator _op;

    public GroupStateSemanticsTests()
    {
        ProcessorRegistry.Register(new TimeoutWithoutState());
        var provider = new MemoryStateStoreProvider(new StateStoreOptions { LocalRoot = Path.Combine(_root, "local") });
        _store = provider.OpenAsync(new StateStoreId(0, 0), new FolderCheckpointStore(_root), "q", -1).GetAwaiter().GetResult();
        var input = new StreamSchema([new Column("key", DataType.String), new Column("action", DataType.String)]);
        _op = GroupsWithStateOperator.Create(0, "$.operators[0]", new GroupsWithStateSpec(true, ["key"], TimeoutWithoutState.ProcessorName, "processingTime", OutputMode.Update), input, null);
    }

    [Theory]
    [InlineData("removeThenTimeout")] // Spark: "ProcessingTimeTimeout - prior state set, ... - timeout updated after state removed"
    [InlineData("updateTimeoutRemove")] // "GroupState - setTimeout - with ProcessingTimeTimeout": remove() keeps the timeout
    public async Task TimeoutAfterRemove_StaysWithTheKeyAndFires(string action)
    {
        await RunAsync(0, 1 * Second, ("a", "update"));
        var output = await RunAsync(1, 2 * Second, ("a", action));

        Assert.Equal(["a exists=False"], output);
        var stored = Stored("a");
        Assert.NotNull(stored);
        Assert.Null(stored.Value.Json);
        Assert.Equal(2 * Second + 5 * Second, stored.Value.TimeoutMs);

        Assert.Empty(await RunAsync(2, 7 * Second)); // 7000 is not before its timeout
        var fired = await RunAsync(3, 7 * Second + 1);

        Assert.Equal(["a timedOut exists=False"], fired);
        Assert.Null(Stored("a")); // the timed-out call set no timeout and no value: the key goes
    }

    [Fact] // Spark: "ProcessingTimeTimeout - no prior state - timeout updated without initializing state"
    public async Task TimeoutOnAKeyThatNeverHadState_IsKept()
    {
        var output = await RunAsync(0, 1 * Second, ("b", "timeoutOnly"));

        Assert.Equal(["b exists=False"], output);
        Assert.Equal(new GroupStateValue(null, 6 * Second), Stored("b"));
        Assert.Equal(["b timedOut exists=False"], await RunAsync(1, 7 * Second));
    }

    [Fact] // Spark: "SPARK-38320 - flatMapGroupsWithState state with data should not timeout"
    public async Task KeyWithRowsInTheBatch_IsNotTimedOutThoughItsTimeoutPassed()
    {
        await RunAsync(0, 1 * Second, ("d", "timeoutOnly")); // times out at 6 s

        var output = await RunAsync(1, 10 * Second, ("d", "update"));

        Assert.Equal(["d exists=True"], output); // called once, with its rows; the call cleared the timeout
        var stored = Stored("d");
        Assert.NotNull(stored);
        Assert.Equal("1", System.Text.Encoding.UTF8.GetString(stored.Value.Json!));
        Assert.Null(stored.Value.TimeoutMs);
        Assert.Empty(await RunAsync(2, 60 * Second));
    }

    [Fact]
    public async Task RemoveWithoutTimeout_DeletesTheKey()
    {
        await RunAsync(0, 1 * Second, ("c", "update"));
        Assert.NotNull(Stored("c"));

        await RunAsync(1, 2 * Second, ("c", "remove"));

        Assert.Null(Stored("c"));
        Assert.Empty(await RunAsync(2, 60 * Second));
    }

    [Fact]
    public void TimeoutCalls_AreRefusedAsSparkRefusesThem()
    {
        var none = TestGroupState.Empty<long>(timeout: "none");
        Assert.Throws<InvalidOperationException>(() => none.SetTimeoutDuration(TimeSpan.FromSeconds(1)));
        Assert.Throws<InvalidOperationException>(() => none.SetTimeoutTimestamp(2000));
        var state = new GroupState<long>(true, 5, false, "processingTime", 1000, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.SetTimeoutDuration(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => state.SetTimeoutDuration(TimeSpan.FromSeconds(-2)));
        Assert.Throws<InvalidOperationException>(() => state.SetTimeoutTimestamp(2000));
        var eventTime = new GroupState<long>(true, 5, false, "eventTime", 1000, 1000);
        Assert.Throws<ArgumentOutOfRangeException>(() => eventTime.SetTimeoutTimestamp(999)); // before the watermark
        Assert.Throws<ArgumentOutOfRangeException>(() => eventTime.SetTimeoutTimestamp(-10000));
        Assert.Throws<InvalidOperationException>(() => eventTime.SetTimeoutDuration(TimeSpan.FromSeconds(1)));
        // GroupStateImpl.setTimeoutTimestamp: "Timeout timestamp must be positive", whatever the watermark.
        var atZero = TestGroupState.Empty<long>(timeout: "eventTime", watermarkMs: 0);
        Assert.Contains("must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => atZero.SetTimeoutTimestamp(0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => atZero.SetTimeoutTimestamp(-1));
        atZero.SetTimeoutTimestamp(1);
    }

    [Fact] // Spark: "GroupState - getCurrentWatermarkMs": it throws without a watermark, and gives it with one
    public async Task CurrentWatermark_IsRefusedWithoutAWatermark()
    {
        Assert.Equal(["a watermark refused"], await RunAsync(0, 1 * Second, ("a", "watermark")));

        var none = TestGroupState.Empty<long>(timeout: "processingTime", watermarkMs: null);
        Assert.Contains("without setting watermark", Assert.Throws<InvalidOperationException>(() => none.GetCurrentWatermarkMs()).Message, StringComparison.Ordinal);
        Assert.Equal(2000, TestGroupState.Empty<long>(timeout: "none", watermarkMs: 2000).GetCurrentWatermarkMs());
        Assert.Equal(1000, new GroupState<long>(true, 5, false, "eventTime", 1000, 1000).GetCurrentWatermarkMs());
    }

    [Fact] // Spark's FlatMapGroupsWithStateExec passes the watermark when its input carries one, whatever the timeout
    public async Task CurrentWatermark_IsTheBatchsWithAWatermarkBeforeTheOperator()
    {
        var input = new StreamSchema([new Column("key", DataType.String), new Column("action", DataType.String), new Column("ts", DataType.Timestamp)]);
        var watermark = new Sluice.Planning.WatermarkColumn(new WithWatermarkSpec("ts", TimeSpan.FromSeconds(10)), 2, "ts");
        var op = GroupsWithStateOperator.Create(0, "$.operators[1]", new GroupsWithStateSpec(true, ["key"], TimeoutWithoutState.ProcessorName, "processingTime", OutputMode.Update), input, watermark);
        var batch = op.BeginGeneralBatch(_store, _cache);
        batch.Apply([new KeyedRecord(RowCodec.Encode(["a"]), ["a", "watermark", DateTime.UnixEpoch])]);

        Assert.Equal(["a watermark=7000"], batch.Finish(7000, 1 * Second).Select(r => $"{r[0]} {r[1]}"));
        await _store.CommitAsync(0);
    }

    private async Task<List<string>> RunAsync(long batchId, long batchTimestampMs, params (string Key, string Action)[] rows)
    {
        var batch = _op.BeginGeneralBatch(_store, _cache);
        batch.Apply([.. rows.Select(r => new KeyedRecord(RowCodec.Encode([r.Key]), [r.Key, r.Action]))]);
        var output = batch.Finish(0, batchTimestampMs).Select(r => $"{r[0]} {r[1]}").ToList();
        await _store.CommitAsync(batchId);
        return output;
    }

    private GroupStateValue? Stored(string key) => _store.Get(RowCodec.Encode([key])) is { } bytes ? GroupStateValue.Decode(bytes) : null;

    public void Dispose()
    {
        _cache.Dispose();
        _store.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>Does to its key's state what the row's <c>action</c> says; says whether state exists after the call.</summary>
    private sealed class TimeoutWithoutState : StatefulProcessor<long>
    {
        public const string ProcessorName = "TestTimeoutWithoutState";

        public override string Name => ProcessorName;

        public override IReadOnlyList<(string Name, string Type)> OutputColumns { get; } = [("key", "string"), ("value", "string")];

        public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
        {
            if (state.HasTimedOut)
            {
                yield return [key[0], $"timedOut exists={state.Exists}"];
                yield break;
            }
            foreach (var row in rows)
            {
                switch ((string)row["action"]!)
                {
                    case "update":
                        state.Update(1);
                        break;
                    case "remove":
                        state.Remove();
                        break;
                    case "timeoutOnly":
                        state.SetTimeoutDuration(TimeSpan.FromSeconds(5));
                        break;
                    case "removeThenTimeout":
                        state.Remove();
                        state.SetTimeoutDuration(TimeSpan.FromSeconds(5));
                        break;
                    case "watermark":
                        string watermark;
                        try
                        {
                            watermark = $"watermark={state.GetCurrentWatermarkMs()}";
                        }
                        catch (InvalidOperationException)
                        {
                            watermark = "watermark refused";
                        }
                        yield return [key[0], watermark];
                        yield break;
                    case "updateTimeoutRemove":
                        state.Update(5);
                        state.SetTimeoutDuration(TimeSpan.FromSeconds(5));
                        state.Remove();
                        break;
                }
            }
            yield return [key[0], $"exists={state.Exists}"];
        }
    }
}
