using Sluice.Client;
using Sluice.Contracts;
using Sluice.Progress;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// Nexmark q5's shape (a windowed count per key joined on the window with the max of the same counts) planned with its
/// join input shared and apart (<c>shareSubPlans</c> "false") gives the same output and progress, batch by batch, on
/// random input with late rows and restarts from the checkpoint; a checkpoint of the unshared plan is refused by the
/// shared one with the way to resume it.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class SharedSubPlanTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Id() => Guid.NewGuid().ToString("N")[..8];

    private static QuerySpec Q5(string name, string stream, string window, string delay, bool? share)
    {
        var prefix = $$"""
            {"op": "select", "columns": ["auction", "timestamp_seconds(sec) AS ts"]},
            {"op": "withWatermark", "column": "ts", "delay": "{{delay}}"},
            {"op": "groupBy", "keys": ["window(ts, {{window}}) AS window", "auction"], "aggs": ["count(*) AS num"]}
            """;
        var source = $$$"""{"kind": "memory", "name": "{{{stream}}}", "schema": {"auction": "long", "sec": "long"}}""";
        return SpecReader.Read($$$"""
            {"name": "{{{name}}}", "source": {{{source}}}, "operators": [{{{prefix}}},
              {"op": "select", "columns": ["auction", "num", "window"]},
              {"op": "join", "joinType": "inner", "condition": "window = m_window AND num >= maxn", "right": {"source": {{{source}}}, "operators": [{{{prefix}}},
                {"op": "groupBy", "keys": ["window"], "aggs": ["max(num) AS maxn"]},
                {"op": "select", "columns": ["window AS m_window", "maxn"]}]}},
              {"op": "select", "columns": ["auction", "num", "CAST(m_window.start AS long) AS start"]}],
             "sink": {"kind": "memory"}, "outputMode": "append", "trigger": {"manual": true},
             "options": {{{(share is { } s ? $$"""{"shareSubPlans": "{{(s ? "true" : "false")}}"}""" : "{}")}}}}
            """);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SharedAndUnsharedPlans_GiveTheSameOutputAndProgress_BatchByBatch_AcrossRestarts(int seed)
    {
        var random = new Random(seed);
        var stream = "q5s-" + Id();
        var (window, delay) = (random.Next(3) switch { 0 => "'10 seconds', '2 seconds'", 1 => "'6 seconds', '3 seconds'", _ => "'4 seconds'" }, $"{random.Next(4)} seconds");
        var (shared, apart) = ("shared_" + Id(), "apart_" + Id());
        var both = new SharedAndApart(Client, Q5(shared, stream, window, delay, share: true), Q5(apart, stream, window, delay, share: false), Describe);
        await both.StartAsync();
        var baseSec = 100L;
        for (var round = 0; round < 14; round++)
        {
            if (random.Next(5) == 0)
            {
                await both.RestartAsync();
            }
            baseSec += random.Next(5);
            var rows = Enumerable.Range(0, random.Next(16)).Select(_ => (object)new { auction = (long)random.Next(5), sec = baseSec - 8 + random.Next(14) }).ToArray();
            await both.ProcessAsync(stream, rows);
            await both.AssertSameAsync($"seed {seed} ({window}, {delay}), round {round}");
        }
        await both.StopAsync();
        Assert.NotEmpty(await Client.ReadMemorySinkJsonAsync(shared));
    }

    /// <summary>
    /// What Spark would report the same for both plans: the batch, each source's rows and offsets, the watermark, the
    /// sink's rows; and the join, the count and the max (the unshared plan lists the right input's own count fourth).
    /// </summary>
    private static string Describe(QueryProgress p) =>
        $"batch {p.BatchId}: rows {p.NumInputRows} [{string.Join(", ", p.Sources.Select(s => $"{s.NumInputRows} to {Offsets(s)}"))}], " +
        $"watermark {p.EventTime.GetValueOrDefault("watermark")}, output {p.Sink.NumOutputRows}, state " +
        string.Join(", ", p.StateOperators.Take(3).Select(s => $"{s.OperatorName} {s.NumRowsTotal}/{s.NumRowsUpdated}/{s.NumRowsRemoved}/{s.NumRowsDroppedByWatermark}"));

    private static string Offsets(SourceProgress s) => string.Join(";", (s.EndOffset ?? new Dictionary<string, IReadOnlyDictionary<string, long>>()).SelectMany(o => o.Value.Select(p => $"{p.Key}={p.Value}")));

    [Fact]
    public async Task ACheckpointOfTheUnsharedPlan_IsRefusedByAQuerySettingShareSubPlans_NamingTheOptionThatResumesIt()
    {
        var stream = "q5c-" + Id();
        var name = "q5c_" + Id();
        var apart = await Client.StartAsync(Q5(name, stream, "'10 seconds', '2 seconds'", "4 seconds", share: false));
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 10L }, new { auction = 2L, sec = 11L });
        await apart.ProcessAllAvailableAsync();
        await apart.StopAsync();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Client.StartAsync(Q5(name, stream, "'10 seconds', '2 seconds'", "4 seconds", share: true)));

        Assert.Contains("planned with each join input apart", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"shareSubPlans\": \"false\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("new checkpointLocation", e.Message, StringComparison.Ordinal);
        // As the message says: the unshared plan resumes it.
        var resumed = await Client.StartAsync(Q5(name, stream, "'10 seconds', '2 seconds'", "4 seconds", share: false));
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 40L });
        await resumed.ProcessAllAvailableAsync();
        await resumed.StopAsync();
        Assert.NotEmpty(await Client.ReadMemorySinkJsonAsync(name));
    }

    /// <summary>
    /// A query written before shared sub-plans (no option) has a checkpoint of the unshared plan: the same query started
    /// again goes on with that plan, batch for batch as the unshared query, instead of failing after an upgrade.
    /// </summary>
    [Fact]
    public async Task ACheckpointOfTheUnsharedPlan_GoesOnUnshared_WhenTheQueryLeavesTheOptionUnset()
    {
        var stream = "q5u-" + Id();
        var (old, apart) = ("q5u_" + Id(), "q5a_" + Id());
        // The unshared plan's checkpoint, as a build before shared sub-plans wrote it (the layout is the same).
        var before = await Client.StartAsync(Q5(old, stream, "'10 seconds', '2 seconds'", "4 seconds", share: false));
        var reference = await Client.StartAsync(Q5(apart, stream, "'10 seconds', '2 seconds'", "4 seconds", share: false));
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 10L }, new { auction = 2L, sec = 11L }, new { auction = 2L, sec = 12L });
        await Task.WhenAll(before.ProcessAllAvailableAsync(), reference.ProcessAllAvailableAsync());
        await before.StopAsync();

        var resumed = await Client.StartAsync(Q5(old, stream, "'10 seconds', '2 seconds'", "4 seconds", share: null));
        await Client.AddDataAsync(stream, new { auction = 1L, sec = 30L }, new { auction = 3L, sec = 31L }, new { auction = 1L, sec = 60L });
        await Task.WhenAll(resumed.ProcessAllAvailableAsync(), reference.ProcessAllAvailableAsync());

        var (got, want) = (await resumed.RecentProgressAsync(), await reference.RecentProgressAsync());
        await Task.WhenAll(resumed.StopAsync(), reference.StopAsync());
        Assert.Equal(await SharedAndApart.SortedRowsAsync(Client, apart), await SharedAndApart.SortedRowsAsync(Client, old));
        Assert.NotEmpty(await SharedAndApart.SortedRowsAsync(Client, old));
        // Unshared: both join inputs keep their own count, so the resumed run reports the reference's state operators.
        Assert.Equal(Describe(want[^1]), Describe(got[^1]));
    }
}
