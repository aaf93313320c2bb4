using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Tests.Operators;

/// <summary>
/// The session window's state row counts, as Spark's SessionWindowStateStoreSaveExec reports them
/// (StreamingSessionWindowStateManager.updateSessions): every session of a key that has rows in the batch is put
/// again, so each counts as updated whether it changed or not; a stored session merged into one with another start,
/// and an evicted session, count as removed.
/// </summary>
public sealed class SessionWindowRowCountsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-session-counts", Guid.NewGuid().ToString("N"));

    private static QuerySpec Spec() => SpecReader.Read("""
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
        """);

    [Fact]
    public async Task EverySessionOfAKeyWithRowsCountsAsUpdated_MergedAwayAndEvictedOnesAsRemoved()
    {
        using var run = new AggregationRun(Spec(), _root, keepCache: true);

        // a: [10, 15) and [20, 25); b: [10, 15).
        var first = await run.BatchAsync(0, watermarkMs: 0, [AggregationRun.Row("a", 10), AggregationRun.Row("a", 20), AggregationRun.Row("b", 10)]);
        Assert.Equal(new StateRowCounts(3, 0), first.RowCounts);
        // a's new [30, 35) touches neither: all three of a's sessions are put again; b has no rows.
        Assert.Equal(new StateRowCounts(3, 0), (await run.BatchAsync(1, watermarkMs: 0, [AggregationRun.Row("a", 30)])).RowCounts);
        // 13 extends [10, 15) to [10, 18): the same start, so the stored session is replaced, not removed.
        Assert.Equal(new StateRowCounts(3, 0), (await run.BatchAsync(2, watermarkMs: 0, [AggregationRun.Row("a", 13)])).RowCounts);
        // 8 opens [8, 13), which merges [10, 18) into [8, 18): a new start, so the session at 10 goes.
        Assert.Equal(new StateRowCounts(3, 1), (await run.BatchAsync(3, watermarkMs: 0, [AggregationRun.Row("a", 8)])).RowCounts);
        // No rows; the watermark 26 s closes a's [8, 18) and [20, 25) and b's [10, 15), which come out.
        var closing = await run.BatchAsync(4, watermarkMs: 26_000, []);
        Assert.Equal(new StateRowCounts(0, 3), closing.RowCounts);
        Assert.Equal(["a@20=1", "a@8=3", "b@10=1"], closing.Output);
        Assert.Equal(1, closing.StateRows);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
