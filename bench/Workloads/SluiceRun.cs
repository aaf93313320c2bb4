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
    /// <param name="LogBytesPerBatch">Mean size of one batch's <c>offsets/N</c> plus <c>commits/N</c> files.</param>
    /// <param name="CheckpointBytesAtEnd">Everything under the query's checkpoint folder after the run (old state files purged per retention).</param>
    public sealed record Outcome(double Seconds, IReadOnlyList<QueryProgress> Progress, IReadOnlyList<JsonObject> Rows, long OutputRecords,
        double LogBytesPerBatch, long CheckpointBytesAtEnd)
    {
        /// <summary>The process's allocated bytes when the query ended, before the harness read its output.</summary>
        public long AllocatedAtEnd { get; init; }

        /// <summary>Bytes allocated per event by the run's batches after its first few (<see cref="BatchAllocations"/>); null for a short run.</summary>
        public double? SteadyBytesPerEvent { get; init; }

        /// <summary>CPU ns per event of the same batches as <see cref="SteadyBytesPerEvent"/>; null for a short run.</summary>
        public double? SteadyCpuNsPerEvent { get; init; }

        /// <summary>The process's CPU time (every thread) when the query ended, before the harness read its output.</summary>
        public TimeSpan CpuAtEnd { get; init; }

        /// <summary>The process's minor page faults (fresh pages mapped, most of them zeroed) when the query ended.</summary>
        public long MinorFaultsAtEnd { get; init; }

        /// <summary>
        /// Bytes written to the checkpoint per batch, on average: the state changelogs and snapshots every key group
        /// wrote (progress metrics <c>stateChangelogBytes</c>, <c>stateSnapshotBytes</c>) plus the offset and commit logs.
        /// </summary>
        public double CheckpointBytesPerBatch
        {
            get
            {
                var batches = Progress.Where(p => p.NumInputRows > 0).ToList();
                if (batches.Count == 0)
                {
                    return 0;
                }
                var state = batches.Average(p => p.StateOperators.Sum(o =>
                    o.CustomMetrics.GetValueOrDefault("stateChangelogBytes") + o.CustomMetrics.GetValueOrDefault("stateSnapshotBytes")));
                return state + LogBytesPerBatch;
            }
        }

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
        var (batches, subscription) = await BatchAllocations.StartAsync(cluster.Client, name);
        var watch = Stopwatch.StartNew();
        var query = await writer.Trigger(Trigger.AvailableNow()).StartAsync(name);
        await query.AwaitTerminationAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        var allocatedAtEnd = GC.GetTotalAllocatedBytes(precise: true);
        var cpuAtEnd = ProcessCpu();
        var faultsAtEnd = ProcessMinorFaults();
        await subscription.DisposeAsync();
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
        var checkpoint = Path.Combine(cluster.CheckpointRoot, name);
        return new Outcome(seconds, progress, rows, output, LogBytesPerBatch(checkpoint), FolderBytes(checkpoint)) { AllocatedAtEnd = allocatedAtEnd, SteadyBytesPerEvent = batches.SteadyBytesPerEvent, SteadyCpuNsPerEvent = batches.SteadyCpuNsPerEvent, CpuAtEnd = cpuAtEnd, MinorFaultsAtEnd = faultsAtEnd };
    }

    /// <summary>CPU time of the whole process so far, all threads.</summary>
    public static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// Minor page faults of the whole process so far (<c>/proc/self/stat</c>'s tenth field; 0 where there is none): each
    /// is a page the kernel mapped on first touch, zeroing it if it is anonymous memory (GC heap, native arenas, stacks).
    /// </summary>
    public static long ProcessMinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double LogBytesPerBatch(string checkpoint)
    {
        var logs = new[] { "offsets", "commits" }.Select(l => Path.Combine(checkpoint, l)).Where(Directory.Exists)
            .Select(d => Directory.GetFiles(d).Where(f => long.TryParse(Path.GetFileName(f), out _)).Select(f => new FileInfo(f).Length).ToList())
            .ToList();
        return logs.Sum(files => files.Count == 0 ? 0 : files.Average());
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
