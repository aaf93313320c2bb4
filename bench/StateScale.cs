using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sluice.Cli.Scenarios;
using Sluice.Data;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Bench;

/// <summary>
/// <c>state [--keys 10000000] [--per-batch 1000000] [--key-groups 8] [--windowed-append 1] [--heap-limit-mb 0]</c>: a streaming count grouped
/// by the rate source's <c>value</c>, so every row is a new key, until the RocksDB state holds <c>--keys</c> keys. The
/// output goes to a counting foreachBatch handler, so nothing but the engine and its state holds memory. Reports per
/// batch: duration, state rows, checkpoint bytes written, working set; and the process's peak working set.
/// With <c>--windowed-append 1</c> the count is grouped by <c>window(timestamp)</c> and <c>value</c> in append mode under
/// a zero-delay watermark, each window as long as <c>--keys / --per-batch</c> batches, so a window holds <c>--keys</c>
/// keys when it closes; it runs three windows' worth of batches, and checks that every key is either
/// still in state or was output once. <c>--heap-limit-mb</c> sets the silo's <c>Sluice:ManagedHeapLimitMb</c> (0: the runtime's).
/// </summary>
internal static class StateScale
{
    public static async Task<int> RunAsync(string[] args)
    {
        var keys = Options.Long(args, "--keys", 10_000_000);
        var perBatch = Options.Long(args, "--per-batch", 1_000_000);
        var keyGroups = Options.Long(args, "--key-groups", 8);
        var windowed = Options.Long(args, "--windowed-append", 0) != 0;
        var heapLimitMb = Options.Long(args, "--heap-limit-mb", 0);
        var windowSeconds = Math.Max(1, keys / perBatch);
        var handler = new CountingHandler();
        CountingHandler.Reset();
        await using var silo = await ScenarioSilo.StartAsync($"--Sluice:ManagedHeapLimitMb={heapLimitMb}");
        var spec = new QuerySpec
        {
            Name = "state_scale",
            Source = new SourceSpec { Kind = "rate", RowsPerSecond = perBatch },
            Operators = windowed
                ? [new WithWatermarkSpec("timestamp", TimeSpan.Zero),
                    new GroupBySpec([$"window(timestamp, '{windowSeconds} seconds') AS window", "value"], ["count(*) AS n"])]
                : [new GroupBySpec(["value"], ["count(*) AS n"])],
            Sink = new SinkSpec { Kind = "foreachBatch", Handler = handler.Name },
            OutputMode = windowed ? OutputMode.Append : OutputMode.Update,
            Trigger = TriggerSpec.Manual,
            CheckpointLocation = "state-scale-" + Guid.NewGuid().ToString("N"),
            Options = new Dictionary<string, string> { ["keyGroups"] = keyGroups.ToString(CultureInfo.InvariantCulture) },
        };
        var query = await silo.Client.StartAsync(spec);
        var checkpoint = Path.Combine(silo.CheckpointRoot, spec.CheckpointLocation);
        var batches = new List<object>();
        var total = Stopwatch.StartNew();
        long stateRows = 0;
        long lastBatch = -1;
        long iterations = 0;
        while (windowed ? iterations < 3 * windowSeconds : stateRows < keys)
        {
            iterations++;
            silo.Clock.Advance(TimeSpan.FromSeconds(1));
            var watch = Stopwatch.StartNew();
            await query.ProcessAllAvailableAsync();
            var ms = watch.ElapsedMilliseconds;
            var recent = await query.RecentProgressAsync();
            var progress = recent[^1];
            // A batch that moves the watermark is followed by a no-data batch that closes windows: count both.
            var these = recent.Where(p => p.BatchId > lastBatch).ToList();
            var rows = these.Sum(p => p.NumInputRows);
            lastBatch = progress.BatchId;
            var state = progress.StateOperators[0];
            stateRows = state.NumRowsTotal;
            // Summed over the iteration's batches: the last one is usually the no-data batch that closes windows, which
            // writes nothing when none closes (reading it alone showed 0 bytes and 0 ms for batches that wrote plenty).
            var operators = these.Select(p => p.StateOperators[0]).ToList();
            long Sum(string metric) => operators.Sum(o => o.CustomMetrics.GetValueOrDefault(metric));
            var written = Sum("stateChangelogBytes") + Sum("stateSnapshotBytes");
            using var process = Process.GetCurrentProcess();
            var workingMb = process.WorkingSet64 >> 20;
            // Where the working set goes: the managed heap after the last GC (and what the GC keeps committed for it),
            // the rest being RocksDB's native memory, the runtime and code.
            var gc = GC.GetGCMemoryInfo(GCKind.Any);
            var (heapMb, committedMb) = (gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20);
            var phases = these.SelectMany(p => p.DurationMs).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.Sum(d => d.Value));
            var commit = (CommitTimeMs: operators.Sum(o => o.CommitTimeMs), writeBatchMs: Sum("rocksdbCommitWriteBatchLatency"),
                filesMs: Sum("stateCheckpointWriteLatency"));
            batches.Add(new
            {
                progress.BatchId, rows, ms, stateRows, stateCheckpointBytes = written, workingSetMb = workingMb,
                addBatchMs = phases.GetValueOrDefault("addBatch"), commitOffsetsMs = phases.GetValueOrDefault("commitOffsets"),
                stateCommitMsSummed = commit.CommitTimeMs, rocksdbWriteBatchMsSummed = commit.writeBatchMs, stateFilesMsSummed = commit.filesMs,
                gen2Collections = GC.CollectionCount(2), collectionsAfterRemoves = Hosting.CollectionAfterRemoves.CollectionsInProcess, managedHeapMb = heapMb, gcCommittedMb = committedMb,
            });
            Console.WriteLine($"batch {progress.BatchId}: {rows:N0} rows in {ms:N0} ms (addBatch {phases.GetValueOrDefault("addBatch"):N0}, " +
                $"commit {phases.GetValueOrDefault("commitOffsets"):N0}; summed over key groups: state commit {commit.CommitTimeMs:N0}, RocksDB write {commit.writeBatchMs:N0}, " +
                $"files {commit.filesMs:N0}), state {stateRows:N0} rows, {written / 1024.0 / 1024:F1} MB of state files written, working set {workingMb:N0} MB (managed heap {heapMb:N0}, GC committed {committedMb:N0}), gen2 GCs {GC.CollectionCount(2)} ({Hosting.CollectionAfterRemoves.CollectionsInProcess} after removes)");
        }
        var seconds = total.Elapsed.TotalSeconds;
        // The rate source emits exactly --per-batch rows per second of the manual clock, one second per iteration.
        var inputRows = iterations * perBatch;
        await query.StopAsync();
        using var self = Process.GetCurrentProcess();
        var peakMb = self.PeakWorkingSet64 >> 20;
        var checkpointBytes = Directory.Exists(checkpoint) ? Directory.EnumerateFiles(checkpoint, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
        var ok = windowed ? stateRows + handler.Rows == inputRows && handler.Rows > 0 : stateRows == keys && handler.Rows == keys;
        var result = new
        {
            machine = Machine.Describe(),
            keys,
            perBatch,
            keyGroups,
            windowedAppend = windowed,
            heapLimitMb,
            inputRows,
            seconds,
            keysPerSecond = keys / seconds,
            stateRows,
            outputRows = handler.Rows,
            peakWorkingSetMb = peakMb,
            checkpointBytesAtEnd = checkpointBytes,
            batches,
        };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        var file = Path.Combine(Machine.ResultsFolder(), $"state-{(windowed ? "windowed-append-" : "")}{keys / 1_000_000}m-{DateTime.UtcNow:yyyy-MM-dd}.json");
        await File.WriteAllTextAsync(file, json);
        Console.WriteLine($"{keys:N0} keys in {seconds:F1} s; peak working set {peakMb:N0} MB; checkpoint {checkpointBytes / 1024.0 / 1024:F0} MB at the end; wrote {file}");
        Console.WriteLine(ok ? windowed ? "OK: every key still in state or output once when its window closed" : "OK: every key in state once, every update output once"
            : $"FAILED: state {stateRows:N0} rows, output {handler.Rows:N0} rows, input {inputRows:N0} rows, expected {keys:N0} keys");
        return ok ? 0 : 1;
    }

    /// <summary>Counts the output rows and keeps none of them (found by the silo's scan of loaded assemblies).</summary>
    internal sealed class CountingHandler : IForeachBatchHandler
    {
        private static long s_rows;

        public string Name => "bench-state-scale-count";

        public long Rows => Interlocked.Read(ref s_rows);

        public static void Reset() => Interlocked.Exchange(ref s_rows, 0);

        public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
        {
            Interlocked.Add(ref s_rows, rows.Count);
            return Task.CompletedTask;
        }
    }
}
