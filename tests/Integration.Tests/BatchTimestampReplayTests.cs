using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Scenarios;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// Spark's "prune results by current_time, complete mode" with its purge of the commit log: a batch re-run after a
/// restart evaluates current_timestamp() to the timestamp recorded in its <c>offsets/N</c>, not to the clock's.
/// </summary>
public sealed class BatchTimestampReplayTests
{
    [Fact]
    public async Task RerunBatch_AfterRestart_UsesTheRecordedBatchTimestamp()
    {
        await using var silo = await ScenarioSilo.StartAsync();
        var name = "batch_time_replay";
        var stream = "batch-time-replay-input";
        var location = "batch-time-replay-" + Guid.NewGuid().ToString("N");
        var spec = Spec(name, stream, location);
        var query = await silo.Client.StartAsync(spec);

        foreach (var values in new[] { new[] { 0, 5, 5, 10 }, [15, 15, 20], [0, 85] })
        {
            await silo.Client.AddDataAsync(stream, [.. values.Select(v => (object)$"{{\"value\": {v}}}")]);
            silo.Clock.Advance(TimeSpan.FromSeconds(10));
            await query.ProcessAllAvailableAsync();
        }
        Assert.Equal([(20L, 1L), (85L, 1L)], await ResultAsync(silo, name));
        await query.StopAsync();

        // As Spark's test: the sink cleared, the last commit purged (batch 2 re-runs), the clock a minute on (90 s).
        var checkpoint = Path.Combine(silo.CheckpointRoot, location);
        Assert.Contains("\"batchTimestampMs\":30000", (await File.ReadAllTextAsync(Path.Combine(checkpoint, "offsets", "2"))).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        File.Delete(Path.Combine(checkpoint, "commits", "2"));
        await silo.Client.Cluster.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory(name).ToString()).ResetAsync();
        silo.Clock.Advance(TimeSpan.FromSeconds(60));
        query = await silo.Client.StartAsync(spec);
        await query.ProcessAllAvailableAsync();

        // With the clock's 90 s, only keys >= 80 would remain: (85, 1).
        Assert.Equal([(20L, 1L), (85L, 1L)], await ResultAsync(silo, name));
        var rerun = (await query.RecentProgressAsync())[0];
        Assert.Equal(2, rerun.BatchId);

        await silo.Client.AddDataAsync(stream, [.. new[] { 85, 90, 100, 105 }.Select(v => (object)$"{{\"value\": {v}}}")]);
        silo.Clock.Advance(TimeSpan.FromSeconds(10));
        await query.ProcessAllAvailableAsync();
        Assert.Equal([(90L, 1L), (100L, 1L), (105L, 1L)], await ResultAsync(silo, name));
        await query.StopAsync();
    }

    private static QuerySpec Spec(string name, string stream, string location)
    {
        using var json = JsonDocument.Parse($$"""
            {"name": "{{name}}",
             "source": {"kind": "memory", "name": "{{stream}}", "schema": {"value": "long"} },
             "operators": [
               {"op": "groupBy", "keys": ["value"], "aggs": ["count(*) AS count"] },
               {"op": "filter", "condition": "value >= CAST(current_timestamp() AS long) - 10L" }
             ],
             "sink": {"kind": "memory"},
             "outputMode": "complete"}
            """);
        return SpecReader.ReadQuery(new Node(json.RootElement, "$")) with { Trigger = TriggerSpec.Manual, CheckpointLocation = location };
    }

    private static async Task<List<(long, long)>> ResultAsync(ScenarioSilo silo, string name) =>
        [.. (await silo.Client.ReadMemorySinkJsonAsync(name))
            .Select(static (JsonObject row) => (row["value"]!.GetValue<long>(), row["count"]!.GetValue<long>()))
            .Order()];
}
