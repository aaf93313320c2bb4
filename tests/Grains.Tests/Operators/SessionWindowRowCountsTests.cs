using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;

namespace Sluice.Tests.Operators;

/// <summary>
/// The session window's state row counts, as Spark's SessionWindowStateStoreSaveExec reports them
/// (StreamingSessionWindowStateManager.updateSessions): every session of a key that has rows in the batch is put
/// again, so each counts as updated whether it changed or not; a stored session merged into one with another start,
/// and an evicted session, count as removed.
/// </summary>
public sealed class SessionWindowRowCountsTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-session-counts", Guid.NewGuid().ToString("N"));

    private const string SpecJson = """
        {
          "name": "sessions",
          "source": {"kind": "memory", "schema": {"user": "string", "ts": "timestamp"}},
          "operators": [
            {"op": "withWatermark", "column": "ts", "delay": "10 seconds"},
            {"op": "groupBy", "keys": ["session_window(ts, '5 seconds') AS session", "user"], "aggs": ["count(*) AS n"]}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "append"
        }
        """;

    [Fact]
    public async Task EverySessionOfAKeyWithRowsCountsAsUpdated_MergedAwayAndEvictedOnesAsRemoved()
    {
        var plan = QueryPlanner.Plan(SpecReader.Read(SpecJson), Sluice.Connectors.BuiltInConnectors.CreateRegistry());
        using var groups = new KeyGroupStores<IStateStore>(1, _root, budget: null, rocksDb: false, version: -1, s => s, s => s);

        // a: [10, 15) and [20, 25); b: [10, 15).
        Assert.Equal(new StateRowCounts(3, 0), await BatchAsync(plan, groups, 0, watermarkSeconds: 0, ("a", 10), ("a", 20), ("b", 10)));
        // a's new [30, 35) touches neither: all three of a's sessions are put again; b has no rows.
        Assert.Equal(new StateRowCounts(3, 0), await BatchAsync(plan, groups, 1, watermarkSeconds: 0, ("a", 30)));
        // 13 extends [10, 15) to [10, 18): the same start, so the stored session is replaced, not removed.
        Assert.Equal(new StateRowCounts(3, 0), await BatchAsync(plan, groups, 2, watermarkSeconds: 0, ("a", 13)));
        // 8 opens [8, 13), which merges [10, 18) into [8, 18): a new start, so the session at 10 goes.
        Assert.Equal(new StateRowCounts(3, 1), await BatchAsync(plan, groups, 3, watermarkSeconds: 0, ("a", 8)));
        // No rows; the watermark 26 s closes a's [8, 18) and [20, 25) and b's [10, 15).
        Assert.Equal(new StateRowCounts(0, 3), await BatchAsync(plan, groups, 4, watermarkSeconds: 26));
    }

    private static async Task<StateRowCounts?> BatchAsync(QueryPlan plan, KeyGroupStores<IStateStore> groups, long batchId, long watermarkSeconds, params (string User, int Seconds)[] rows)
    {
        var watermarkMs = (long)(T0.AddSeconds(watermarkSeconds) - DateTime.UnixEpoch).TotalMilliseconds;
        var batch = plan.Stateful!.BeginBatch(groups.Stores[0], groups.Cache(0));
        var input = rows.Select(r => new object?[] { r.User, T0.AddSeconds(r.Seconds) }).ToList();
        var context = new BatchContext(batchId, watermarkMs, 0);
        plan.ApplyPrefix(0, input, context);
        var router = new KeyGroupRouter(1);
        plan.Stateful.Route(input, context, router, new LateRowSet());
        foreach (var (_, records) in router.Groups)
        {
            batch.Apply(records);
        }
        batch.Finish(watermarkMs, 0);
        await groups.Stores[0].CommitAsync(batchId);
        return batch.RowCounts;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
