using Sluice.Client;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class StatefulQueryTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Name() => "s" + Guid.NewGuid().ToString("N")[..10];

    private static string Click(int i) =>
        $"{{\"user\": \"u{i % 7}\", \"amount\": {i % 10}.0, \"ts\": \"2026-01-01T00:{i / 60 % 60:00}:{i % 60:00}Z\"}}";

    private StreamFrame Clicks(string topic) =>
        Client.ReadStream().Kafka(topic).Schema(("user", "string"), ("amount", "double"), ("ts", "timestamp")).StartingOffsets("earliest").Load();

    [Fact]
    public async Task WindowedAggregation_FromFourPartitions_MergesEveryAgentsPartialsExactly()
    {
        var topic = silo.CreateTopic();
        await silo.ProduceAsync(topic, Enumerable.Range(0, 600).Select(i => (i % 4, Click(i))));
        var name = Name();

        var query = await Clicks(topic).WithWatermark("ts", "30 seconds")
            .GroupBy(["window(ts, '1 minute') AS window", "user"], ["count(*) AS n", "sum(amount) AS total"])
            .WriteStream().OutputMode("complete").Trigger(Trigger.AvailableNow()).Option("keyGroups", "4").StartAsync(name);
        await query.AwaitTerminationAsync();

        var rows = await Client.ReadMemorySinkJsonAsync(name);
        var expected = Enumerable.Range(0, 600).GroupBy(i => (i / 60, i % 7)).ToDictionary(g => g.Key, g => (g.Count(), g.Sum(i => i % 10)));
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            var minute = DateTime.Parse(row["window"]!["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime().Minute;
            var user = int.Parse(row["user"]!.GetValue<string>()[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected[(minute, user)], (row["n"]!.GetValue<long>(), (int)row["total"]!.GetValue<double>()));
        }
        var state = (await query.LastProgressAsync())!.StateOperators.Single();
        Assert.Equal(expected.Count, state.NumRowsTotal);
        Assert.Equal("stateStoreSave", state.OperatorName);
    }

    [Fact]
    public async Task LateRowsSink_ReceivesRowsBehindTheWatermarkInsteadOfDroppingThem()
    {
        var source = "late-src-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        var lateSink = name + "_late";
        var query = await Client.ReadStream().Memory(source).Schema(("id", "int"), ("ts", "timestamp")).Load()
            .WithWatermark("ts", "5 seconds")
            .GroupBy(["window(ts, '10 seconds') AS window"], ["count(*) AS count"])
            .WriteStream().OutputMode("append").Trigger(Trigger.Manual()).Option("lateRowsSink", lateSink).StartAsync(name);

        await Client.AddDataAsync(source, new { id = 1, ts = "1970-01-01T00:00:21Z" });
        await query.ProcessAllAvailableAsync();
        await Client.AddDataAsync(source, new { id = 2, ts = "1970-01-01T00:00:03Z" }, new { id = 3, ts = "1970-01-01T00:00:22Z" });
        await query.ProcessAllAvailableAsync();

        var late = Assert.Single(await Client.ReadMemorySinkJsonAsync(lateSink));
        Assert.Equal(2, late["id"]!.GetValue<int>());
        var recent = await query.RecentProgressAsync();
        Assert.Equal(1, recent.Sum(p => p.StateOperators.Single().NumRowsDroppedByWatermark));
        await query.StopAsync();
    }

    [Fact]
    public async Task LateRowsSink_SlidingWindows_GetsEachLateRowOnceAndCountsEachWindow()
    {
        var source = "late-slide-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        var lateSink = name + "_late";
        var query = await Client.ReadStream().Memory(source).Schema(("id", "int"), ("ts", "timestamp")).Load()
            .WithWatermark("ts", "5 seconds")
            .GroupBy(["window(ts, '10 seconds', '5 seconds') AS window"], ["count(*) AS count"])
            .WriteStream().OutputMode("update").Trigger(Trigger.Manual()).Option("lateRowsSink", lateSink).StartAsync(name);

        await Client.AddDataAsync(source, new { id = 1, ts = "1970-01-01T00:00:31Z" });
        await query.ProcessAllAvailableAsync();
        // Watermark 26 s: 00:00:03 falls in [-5, 5) and [0, 10), both closed.
        await Client.AddDataAsync(source, new { id = 2, ts = "1970-01-01T00:00:03Z" });
        await query.ProcessAllAvailableAsync();

        var late = Assert.Single(await Client.ReadMemorySinkJsonAsync(lateSink));
        Assert.Equal(2, late["id"]!.GetValue<int>());
        // Spark counts the aggregation's input, where the row is one per window.
        Assert.Equal(2, (await query.RecentProgressAsync()).Sum(p => p.StateOperators.Single().NumRowsDroppedByWatermark));
        await query.StopAsync();
    }

    [Fact]
    public async Task LateRowsSink_ReusedByAQueryOnANewCheckpoint_GetsItsRows()
    {
        var lateSink = Name() + "_late";
        async Task<StreamingQuery> RunAsync(string name, int id)
        {
            var source = "late-reuse-" + Guid.NewGuid().ToString("N")[..6];
            var query = await Client.ReadStream().Memory(source).Schema(("id", "int"), ("ts", "timestamp")).Load()
                .WithWatermark("ts", "5 seconds")
                .GroupBy(["window(ts, '10 seconds') AS window"], ["count(*) AS count"])
                .WriteStream().OutputMode("append").Trigger(Trigger.Manual()).Option("lateRowsSink", lateSink).StartAsync(name);
            await Client.AddDataAsync(source, new { id = 0, ts = "1970-01-01T00:00:21Z" });
            await query.ProcessAllAvailableAsync();
            await Client.AddDataAsync(source, new { id, ts = "1970-01-01T00:00:03Z" });
            await query.ProcessAllAvailableAsync();
            await query.StopAsync();
            return query;
        }

        await RunAsync(Name(), id: 1);
        // A second query on its own new checkpoint starts again at batch 0 and writes its late row in batch 1, a batch
        // the sink had already committed for the first query.
        await RunAsync(Name(), id: 2);

        var late = Assert.Single(await Client.ReadMemorySinkJsonAsync(lateSink));
        Assert.Equal(2, late["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Restart_WithOtherKeyGroups_FailsNamingBothCounts()
    {
        var source = "kg-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        StreamFrame Counts() => Client.ReadStream().Memory(source).Schema(("word", "string")).Load().GroupBy(["word"], ["count(*) AS n"]);
        var first = await Counts().WriteStream().OutputMode("complete").Trigger(Trigger.Manual()).Option("keyGroups", "4").StartAsync(name);
        await first.StopAsync();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Counts().WriteStream().OutputMode("complete").Trigger(Trigger.Manual()).Option("keyGroups", "16").StartAsync(name));

        Assert.Contains("16 key groups", e.Message, StringComparison.Ordinal);
        Assert.Contains("created with 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WithAProcessorOfAnotherStateType_FailsAtStart()
    {
        var source = "proc-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        QuerySpec Spec(string processor) => new()
        {
            Name = name,
            Source = new SourceSpec { Kind = "memory", Name = source, Schema = [new("user_id", "string"), new("event_time", "timestamp"), new("amount", "double")] },
            Operators = [new WithWatermarkSpec("event_time", TimeSpan.FromSeconds(1)), new GroupsWithStateSpec(true, ["user_id"], processor, "eventTime", OutputMode.Update)],
            Sink = new SinkSpec { Kind = "memory" },
            OutputMode = OutputMode.Update,
            Trigger = TriggerSpec.Manual,
        };
        var first = await Client.StartAsync(Spec("MaxEventTimeWithEventTimeTimeout"));
        await first.StopAsync();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Client.StartAsync(Spec("Sessionizer")));

        Assert.Contains("MaxEventTimeWithEventTimeTimeout", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sessionizer", e.Message, StringComparison.Ordinal);
        Assert.Contains("new checkpointLocation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WithAChangedWindow_FailsNamingTheDifference()
    {
        var source = "layout-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        DataStreamWriter Counts(string size) => Client.ReadStream().Memory(source).Schema(("ts", "timestamp")).Load()
            .GroupBy([$"window(ts, '{size}') AS window"], ["count(*) AS n"]).WriteStream().OutputMode("update").Trigger(Trigger.Manual());
        var first = await Counts("10 seconds").StartAsync(name);
        await Client.AddDataAsync(source, new { ts = "1970-01-01T00:00:01Z" });
        await first.ProcessAllAvailableAsync();
        await first.StopAsync();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Counts("5 seconds").StartAsync(name));

        Assert.Contains("does not fit checkpoint", e.Message, StringComparison.Ordinal);
        Assert.Contains("keys was 'window(ts, '10 seconds') AS window' and is now 'window(ts, '5 seconds') AS window'", e.Message, StringComparison.Ordinal);
        Assert.Contains("new checkpointLocation", e.Message, StringComparison.Ordinal);
        Assert.Contains("sluice checkpoint inspect", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_SourceBehindTheCheckpoint_FailsRatherThanSkippingData()
    {
        var topic = silo.CreateTopic(1);
        await silo.ProduceEventsAsync(topic, 0, 10, partitions: 1);
        var name = Name();
        StreamFrame Events(string servers) => Client.ReadStream().Kafka(topic, servers).Schema(("id", "int")).StartingOffsets("earliest").Load();
        await (await Events(silo.BootstrapServers).WriteStream().Trigger(Trigger.AvailableNow()).CheckpointLocation(name).StartAsync(name)).AwaitTerminationAsync();

        // The same topic, recreated (here: on another broker) with fewer records than the checkpoint already processed.
        using var other = Sluice.Connectors.Kafka.EmbeddedKafka.Start();
        other.CreateTopic(topic, 1);
        using (var producer = new Confluent.Kafka.ProducerBuilder<Confluent.Kafka.Null, string>(new Confluent.Kafka.ProducerConfig { BootstrapServers = other.BootstrapServers }).Build())
        {
            for (var i = 0; i < 3; i++)
            {
                producer.Produce(topic, new Confluent.Kafka.Message<Confluent.Kafka.Null, string> { Value = SiloFixture.Event(i) });
            }
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        var query = await Events(other.BootstrapServers).WriteStream().Trigger(Trigger.AvailableNow()).CheckpointLocation(name).StartAsync(name);

        var e = await Assert.ThrowsAsync<StreamingQueryException>(() => query.AwaitTerminationAsync());
        Assert.Contains("ends at offset 3, behind offset 10", e.Message, StringComparison.Ordinal);
        Assert.Contains("new checkpointLocation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_OnAnotherTopic_FailsNamingBothSources()
    {
        var before = silo.CreateTopic(1);
        var after = silo.CreateTopic(1);
        await silo.ProduceEventsAsync(before, 0, 5, partitions: 1);
        var name = Name();
        StreamFrame Events(string topic) => Client.ReadStream().Kafka(topic).Schema(("id", "int")).StartingOffsets("earliest").Load();
        await (await Events(before).WriteStream().Trigger(Trigger.AvailableNow()).CheckpointLocation(name).StartAsync(name)).AwaitTerminationAsync();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => Events(after).WriteStream().Trigger(Trigger.AvailableNow()).CheckpointLocation(name).StartAsync(name));

        Assert.Contains($"source 0 was '{before}' in the checkpoint and is '{after}' now", e.Message, StringComparison.Ordinal);
    }
}
