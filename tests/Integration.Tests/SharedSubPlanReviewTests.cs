using Orleans.Concurrency;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Progress;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// Review of shared sub-plans beyond q5's shape: the windowed count joined with itself (inner and left outer), where
/// both outputs of the shared stage go to the same join (two senders per key group to one next stage), with and
/// without a suffix on the branch, gives the same output and progress batch by batch as the plan with each input
/// apart, across restarts, on random input with late rows.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class SharedSubPlanReviewTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Id() => Guid.NewGuid().ToString("N")[..8];

    /// <param name="renameOnBranch">
    /// True: the right input renames after the count (its branch has a suffix). False: the query renames before the
    /// join and the right input is the prefix alone (its branch has no operators of its own).
    /// </param>
    private static QuerySpec SelfJoin(string name, string stream, string joinType, bool renameOnBranch, string delay, bool share)
    {
        const string Prefix = """
            {"op": "select", "columns": ["auction", "timestamp_seconds(sec) AS ts"]},
            {"op": "withWatermark", "column": "ts", "delay": "DELAY"},
            {"op": "groupBy", "keys": ["window(ts, '6 seconds') AS window", "auction"], "aggs": ["count(*) AS num"]}
            """;
        var prefix = Prefix.Replace("DELAY", delay, StringComparison.Ordinal);
        var source = $$$"""{"kind": "memory", "name": "{{{stream}}}", "schema": {"auction": "long", "sec": "long"}}""";
        var (left, right, condition) = renameOnBranch
            ? ("", """, {"op": "select", "columns": ["window AS r_window", "auction AS r_auction", "num AS r_num"]}""", "window = r_window AND num < r_num")
            : ("""{"op": "select", "columns": ["window AS r_window", "auction AS r_auction", "num AS r_num"]},""", "", "r_window = window AND r_num < num");
        return SpecReader.Read($$$"""
            {"name": "{{{name}}}", "source": {{{source}}}, "operators": [{{{prefix}}}, {{{left}}}
              {"op": "join", "joinType": "{{{joinType}}}", "condition": "{{{condition}}}", "right": {"source": {{{source}}}, "operators": [{{{prefix}}}{{{right}}}]}},
              {"op": "select", "columns": ["auction", "num", "r_auction", "r_num", "CAST(window.start AS long) AS start", "CAST(r_window.start AS long) AS r_start"]}],
             "sink": {"kind": "memory"}, "outputMode": "append", "trigger": {"manual": true},
             "options": {"shareSubPlans": "{{{(share ? "true" : "false")}}}"}}
            """);
    }

    [Theory]
    [InlineData("inner", true, 1)]
    [InlineData("inner", false, 2)]
    [InlineData("leftOuter", true, 3)]
    [InlineData("leftOuter", false, 4)]
    public async Task ASelfJoinOfTheSharedCount_GivesTheUnsharedOutputAndProgress_BatchByBatch(string joinType, bool renameOnBranch, int seed)
    {
        var random = new Random(seed);
        var stream = "sj-" + Id();
        var delay = $"{random.Next(3)} seconds";
        var (shared, apart) = ("sjs_" + Id(), "sja_" + Id());
        var both = new SharedAndApart(Client, SelfJoin(shared, stream, joinType, renameOnBranch, delay, share: true),
            SelfJoin(apart, stream, joinType, renameOnBranch, delay, share: false), Describe);
        await both.StartAsync();
        var baseSec = 100L;
        for (var round = 0; round < 12; round++)
        {
            if (random.Next(5) == 0)
            {
                await both.RestartAsync();
            }
            baseSec += random.Next(6);
            var rows = Enumerable.Range(0, random.Next(12)).Select(_ => (object)new { auction = (long)random.Next(4), sec = baseSec - 6 + random.Next(10) }).ToArray();
            await both.ProcessAsync(stream, rows);
            await both.AssertSameAsync($"{joinType}, rename on branch {renameOnBranch}, seed {seed}, round {round}");
        }
        // Advance the watermark far past every window so outer rows and the last windows are out.
        await both.ProcessAsync(stream, [new { auction = 9L, sec = baseSec + 100 }]);
        var final = await Task.WhenAll(new[] { shared, apart }.Select(n => SharedAndApart.SortedRowsAsync(Client, n)));
        Assert.Equal(final[1], final[0]);
        await both.StopAsync();
        Assert.NotEmpty(final[0]);
    }

    /// <summary>The join and its left input's count (the unshared plan lists the right input's own count third).</summary>
    private static string Describe(QueryProgress p) =>
        $"batch {p.BatchId}: rows {p.NumInputRows} [{string.Join(", ", p.Sources.Select(s => s.NumInputRows))}], " +
        $"watermark {p.EventTime.GetValueOrDefault("watermark")}, output {p.Sink.NumOutputRows}, state " +
        string.Join(", ", p.StateOperators.Take(2).Select(s => $"{s.OperatorName} {s.NumRowsTotal}/{s.NumRowsUpdated}/{s.NumRowsRemoved}/{s.NumRowsDroppedByWatermark}"));

    [Fact]
    public async Task ACheckpointOfTheSharedPlan_ResumedWithShareSubPlansFalse_IsRefusedNamingTheOption()
    {
        var stream = "sjc-" + Id();
        var name = "sjc_" + Id();
        var query = await Client.StartAsync(SelfJoin(name, stream, "inner", true, "2 seconds", share: true));
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 10L }, new { auction = 2L, sec = 11L });
        await query.ProcessAllAvailableAsync();
        await query.StopAsync();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Client.StartAsync(SelfJoin(name, stream, "inner", true, "2 seconds", share: false)));

        Assert.Contains($"\"{SpecOptions.ShareSubPlans}\": \"false\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("remove the option", e.Message, StringComparison.Ordinal);
        // As the message says: without the option it resumes.
        var resumed = await Client.StartAsync(SelfJoin(name, stream, "inner", true, "2 seconds", share: true));
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 40L });
        await resumed.ProcessAllAvailableAsync();
        await resumed.StopAsync();
    }

    /// <summary>
    /// A coordinator of a build before shared sub-plans (a rolling upgrade) plans the right input's stream with agents of
    /// its own; on a silo of this build that stream has no stage (it is read as stream 0's), so an agent asked to read it
    /// must refuse the batch rather than stage the source's raw rows to the sink.
    /// </summary>
    [Fact]
    public async Task AnAgentAskedToReadAShadowStream_RefusesTheBatch_AndStagesNothing()
    {
        var stream = "sja-" + Id();
        var spec = SelfJoin("sjagent_" + Id(), stream, "inner", true, "2 seconds", share: true);
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 10L }, new { auction = 2L, sec = 11L });
        var agent = Client.Cluster.GetGrain<IPartitionAgentGrain>(new PartitionAgentId(Guid.NewGuid(), 1, 0).ToString());

        var e = await Assert.ThrowsAsync<BatchAttemptLostException>(() => agent.ExecuteAsync(new Immutable<AgentBatchRequest>(new AgentBatchRequest
        {
            Spec = spec,
            RunId = Guid.NewGuid(),
            BatchId = 0,
            Start = 0,
            End = 2,
            KeyGroups = 4,
            CheckpointPath = Path.Combine(silo.CheckpointRoot, "sja-" + Id()),
        })));

        Assert.Contains("shares stream 0's reads", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Client.Cluster.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory(spec.Name).ToString()).StagedRowsAsync(0));
    }
}
