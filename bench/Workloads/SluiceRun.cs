using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Client;
using Sluice.Progress;
using Sluice.Silo.Demo;

namespace Sluice.Bench.Workloads;

/// <summary>One workload run on Sluice, from Kafka or from the generator source, with availableNow.</summary>
internal sealed class SluiceRun(BenchCluster cluster, long events, long batchSize, int partitions)
{
    public sealed record Outcome(double Seconds, IReadOnlyList<QueryProgress> Progress, IReadOnlyList<JsonObject> Rows, long OutputRecords)
    {
        /// <summary>Rows the sink reported writing, over all batches.</summary>
        public long SinkRows => Progress.Sum(p => p.Sink.NumOutputRows);
    }

    public async Task<Outcome> RunAsync(string workload, string? topic)
    {
        var name = $"{workload.ToLowerInvariant()}_{(topic is null ? "gen" : "kafka")}_{Guid.NewGuid():N}"[..24];
        var reader = cluster.Client.ReadStream();
        reader = topic is null
            ? reader.Format("generator").Option("events", Str(events)).Option("partitions", Str(partitions))
            : reader.Kafka(topic).Schema(ClickEvents.Schema.Select(c => (c.Key, c.Value)).ToArray()).StartingOffsets("earliest");
        var frame = reader.MaxOffsetsPerTrigger(batchSize).Load();
        var path = Path.Combine(cluster.CheckpointRoot, "out-" + name);
        string? outTopic = null;
        var writer = workload switch
        {
            "W1" => frame.WithWatermark("event_time", "30 seconds")
                .GroupBy(["window(event_time, '5 minutes') AS window", "user_id"], ["count(*) AS events"])
                .WriteStream().Format("memory").OutputMode("update"),
            "W2" => frame.WithWatermark("event_time", "30 seconds")
                .GroupBy(["window(event_time, '5 minutes') AS window", "product_id"], ["sum(amount) AS revenue"])
                .WriteStream().Format("parquet").Option("path", path).OutputMode("append"),
            "W3" => frame.WithWatermark("event_time", "30 seconds")
                .FlatMapGroupsWithState(["user_id"], "Sessionizer", "eventTime")
                .WriteStream().Format("memory").OutputMode("update"),
            "W4" when topic is not null => frame.Where("event_type = 'purchase'")
                .WriteStream().Format("kafka").Option("topic", outTopic = name + "_out").OutputMode("append"),
            "W4" => frame.Where("event_type = 'purchase'").WriteStream().Format("memory").OutputMode("append"),
            _ => throw new ArgumentException(workload),
        };
        if (outTopic is not null)
        {
            cluster.CreateTopic(outTopic, 8);
        }
        var watch = Stopwatch.StartNew();
        var query = await writer.Trigger(Trigger.AvailableNow()).StartAsync(name);
        await query.AwaitTerminationAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        if (await query.ExceptionAsync() is { } error)
        {
            throw new InvalidOperationException($"{name} failed: {error.Message}");
        }
        var progress = await query.RecentProgressAsync();
        IReadOnlyList<JsonObject> rows = workload switch
        {
            "W2" => await FileSinkReader.ReadRowsAsync(path),
            "W4" when outTopic is not null => [],
            _ => await cluster.Client.ReadMemorySinkJsonAsync(name),
        };
        var output = outTopic is not null ? cluster.CountRecords(outTopic, 8) : rows.Count;
        return new Outcome(seconds, progress, rows, output);
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
