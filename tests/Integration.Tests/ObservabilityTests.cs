using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Diagnostics;
using Sluice.Progress;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class ObservabilityTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Name() => "o" + Guid.NewGuid().ToString("N")[..10];

    private static string Event(int i) => $"{{\"user\": \"u{i % 3}\", \"ts\": \"2026-01-01T00:00:{i % 60:00}Z\"}}";

    private async Task<(StreamingQuery Query, string Topic)> RunWindowedCountAsync(string name, int rows)
    {
        var topic = silo.CreateTopic();
        await silo.ProduceAsync(topic, Enumerable.Range(0, rows).Select(i => (i % 4, Event(i))));
        var query = await Client.ReadStream().Kafka(topic).Schema(("user", "string"), ("ts", "timestamp")).StartingOffsets("earliest").Load()
            .WithWatermark("ts", "10 seconds")
            .GroupBy(["window(ts, '10 seconds') AS window", "user"], ["count(*) AS n"])
            .WriteStream().OutputMode("update").Trigger(Trigger.AvailableNow()).StartAsync(name);
        await query.AwaitTerminationAsync();
        return (query, topic);
    }

    [Fact]
    public async Task ProgressJson_OfARealRun_HasSparksFieldsAndTheRightFigures()
    {
        var (query, topic) = await RunWindowedCountAsync(Name(), 60);

        var batches = await query.RecentProgressAsync();
        var first = JsonNode.Parse(ProgressJson.Write(batches[0]))!.AsObject();

        foreach (var field in new[] { "id", "runId", "name", "timestamp", "batchId", "batchDuration", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond", "durationMs", "eventTime", "stateOperators", "sources", "sink" })
        {
            Assert.True(first.ContainsKey(field), $"progress lacks '{field}': {first}");
        }
        Assert.Equal(["latestOffset", "walCommit", "addBatch", "commitOffsets", "triggerExecution"], first["durationMs"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["min", "max", "avg", "watermark"], first["eventTime"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["operatorName", "numRowsTotal", "numRowsUpdated", "numRowsRemoved", "numRowsDroppedByWatermark", "memoryUsedBytes", "commitTimeMs", "customMetrics"],
            first["stateOperators"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["description", "startOffset", "endOffset", "latestOffset", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond", "metrics"],
            first["sources"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["description", "numOutputRows"], first["sink"]!.AsObject().Select(p => p.Key));

        Assert.Equal(60, batches.Sum(b => b.NumInputRows));
        Assert.Equal("2026-01-01T00:00:00Z", batches[0].EventTime["min"]);
        Assert.Equal("2026-01-01T00:00:59Z", batches[0].EventTime["max"]);
        Assert.Equal("1970-01-01T00:00:00Z", batches[0].EventTime["watermark"]);
        Assert.Equal("2026-01-01T00:00:49Z", batches[^1].EventTime["watermark"]);
        Assert.Equal(18, batches[0].StateOperators[0].NumRowsTotal);
        Assert.Equal("0.0", batches[0].Sources[0].Metrics["avgOffsetsBehindLatest"]);
        Assert.Equal(["0", "0", "0", "0"], Enumerable.Range(0, 4).Select(p => batches[0].Sources[0].Metrics[$"offsetsBehindLatest.{p}"]));
        Assert.Equal(topic, batches[0].Sources[0].EndOffset!.Keys.Single());
    }

    [Fact]
    public async Task ConsumerGroup_GetsTheProcessedOffsetsAfterEachCommit()
    {
        var name = Name();
        var (_, topic) = await RunWindowedCountAsync(name, 40);

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = silo.BootstrapServers, GroupId = $"sluice-{name}" }).Build();
        var committed = consumer.Committed(Enumerable.Range(0, 4).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10));

        Assert.Equal([10L, 10L, 10L, 10L], committed.OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value));
    }

    [Fact]
    public async Task HttpApi_ListsShowsAlertsStopsAndRestartsAQuery()
    {
        var source = "http-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        var query = await Client.ReadStream().Memory(source).Schema(("id", "int"), ("ts", "timestamp")).Load()
            .WithWatermark("ts", "5 seconds").GroupBy(["window(ts, '10 seconds') AS window"], ["count(*) AS n"])
            .WriteStream().OutputMode("append").Trigger(Trigger.Manual()).StartAsync(name);
        await Client.AddDataAsync(source, new { id = 1, ts = "1970-01-01T00:00:30Z" });
        await query.ProcessAllAvailableAsync();
        await Client.AddDataAsync(source, new { id = 2, ts = "1970-01-01T00:00:01Z" });
        await query.ProcessAllAvailableAsync();
        using var http = silo.Http();

        var list = JsonNode.Parse(await http.GetStringAsync("/api/queries"))!.AsArray();
        var one = JsonNode.Parse(await http.GetStringAsync($"/api/queries/{name}"))!;
        var progress = JsonNode.Parse(await http.GetStringAsync($"/api/queries/{name}/progress"))!.AsArray();
        var alerts = JsonNode.Parse(await http.GetStringAsync($"/api/queries/{name}/alerts"))!.AsArray();
        var unknown = await http.GetAsync("/api/queries/no-such-query");

        Assert.Contains(list, q => q!["name"]!.GetValue<string>() == name && q["state"]!.GetValue<string>() == "Active");
        Assert.Equal(name, one["query"]!["name"]!.GetValue<string>());
        Assert.NotNull(one["lastProgress"]);
        Assert.True(progress.Count >= 2);
        Assert.Contains(alerts, a => a!["kind"]!.GetValue<string>() == QueryAlerts.DroppedByWatermark);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync($"/api/queries/{name}/stop", null)).StatusCode);
        Assert.Equal(QueryState.Stopped, (await query.StatusAsync()).State);
        var restarted = JsonNode.Parse(await (await http.PostAsync($"/api/queries/{name}/restart", null)).Content.ReadAsStringAsync())!;
        Assert.Equal("Active", restarted["state"]!.GetValue<string>());
        Assert.NotEqual(query.RunId.ToString(), restarted["runId"]!.GetValue<string>());
        await Client.StopAsync(name);
    }

    [Fact]
    public async Task Dashboard_AnswersAtItsUrl()
    {
        using var http = silo.Http();

        var response = await http.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Listener_GetsStartedProgressAndTerminatedEvents()
    {
        var name = Name();
        var events = new List<QueryListenerEvent>();
        var terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await Client.AddListenerAsync(e =>
        {
            if (e.Query.Name == name)
            {
                lock (events)
                {
                    events.Add(e);
                }
                if (e.Kind == QueryEventKind.Terminated)
                {
                    terminated.TrySetResult();
                }
            }
            return Task.CompletedTask;
        });

        await RunWindowedCountAsync(name, 20);
        await terminated.Task.WaitAsync(TimeSpan.FromSeconds(30));

        List<QueryListenerEvent> seen;
        lock (events)
        {
            seen = [.. events];
        }
        Assert.Equal(QueryEventKind.Started, seen[0].Kind);
        Assert.Contains(seen, e => e.Kind == QueryEventKind.Progress && e.Progress!.NumInputRows == 20);
        Assert.Equal(QueryEventKind.Terminated, seen[^1].Kind);
        Assert.Equal(QueryState.Completed, seen[^1].Query.State);
    }

    [Fact]
    public async Task Meters_RecordBatchesAndRowsPerQuery()
    {
        var name = Name();
        long batches = 0, rows = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SluiceMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "query" && (string?)t.Value == name))
            {
                if (instrument.Name == "sluice.batches")
                {
                    Interlocked.Add(ref batches, value);
                }
                else if (instrument.Name == "sluice.input.rows")
                {
                    Interlocked.Add(ref rows, value);
                }
            }
        });
        listener.Start();

        var (query, _) = await RunWindowedCountAsync(name, 24);

        Assert.Equal((await query.RecentProgressAsync()).Count, Interlocked.Read(ref batches));
        Assert.Equal(24, Interlocked.Read(ref rows));
    }
}
