using System.Diagnostics;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// <c>workloads [--quick] [--events N] [--only W1]</c>: W1-W4 three ways on the same events (Sluice from Kafka, the bare
/// Confluent.Kafka loop, Sluice on the generator source), checked against each other; writes the results JSON and
/// the table in BENCHMARKS.md. Exits 1 only if a way disagrees with the limit.
/// </summary>
internal static class WorkloadsCommand
{
    private static readonly string[] Names = ["W1", "W2", "W3", "W4"];

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        if (args.Contains("--engine-only"))
        {
            return await EngineOnlyAsync(args);
        }
        var events = Options.Long(args, "--events", quick ? 100_000 : 500_000);
        var partitions = PartitionsFor(events);
        var batch = BatchFor(events);
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"workloads: {events:N0} events, {partitions} partitions, batches of {batch:N0}, {cores} cores");

        await using var cluster = await BenchCluster.StartAsync();
        var topic = "clicks_" + Guid.NewGuid().ToString("N")[..8];
        cluster.CreateTopic(topic, partitions);
        var preload = Stopwatch.StartNew();
        cluster.Preload(topic, partitions, events);
        Console.WriteLine($"preloaded in {preload.Elapsed.TotalSeconds:F1} s");

        var rows = new List<WorkloadResult>();
        var failures = 0;
        var run = new SluiceRun(cluster, events, batch, partitions);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        foreach (var w in Names.Where(n => only is null || n == only))
        {
            string? limitTopic = null;
            if (w == "W4")
            {
                cluster.CreateTopic(limitTopic = topic + "_limit_out", 8);
            }
            var (limit, limitSeconds) = BareConsumer.Run(cluster.BootstrapServers, topic, partitions, Add(w), limitTopic);
            var sessions = w == "W3" ? limit.Sessions() : [];
            if (limit.Events != events)
            {
                throw new InvalidOperationException($"the limit read {limit.Events} events, not {events}");
            }
            var kafka = await MeasureAsync(() => run.RunAsync(w, topic));
            var engine = await MeasureAsync(() => run.RunAsync(w, null));
            var kafkaCheck = Checks.Check(w, kafka.Outcome, limit, sessions);
            var engineCheck = Checks.Check(w, engine.Outcome, limit, sessions);
            failures += (kafkaCheck is null ? 0 : 1) + (engineCheck is null ? 0 : 1);
            var result = new WorkloadResult(w, events, events / limitSeconds, limitSeconds,
                Way.Of(kafka, events, kafkaCheck), Way.Of(engine, events, engineCheck), Summary(w, limit, sessions));
            rows.Add(result);
            Console.WriteLine($"{w}: limit {result.LimitEventsPerSecond:N0}/s, Sluice from Kafka {result.Kafka.EventsPerSecond:N0}/s ({kafkaCheck ?? "agrees"}), " +
                $"engine alone {result.Engine.EventsPerSecond:N0}/s ({engineCheck ?? "agrees"})");
        }

        if (!quick)
        {
            // The quick run is CI's smoke test: it checks agreement and leaves the recorded figures alone.
            await Report.WriteAsync(only is not null ? "workloads-" + only : "workloads",
                new { events, partitions, batchSize = batch, preloadSeconds = preload.Elapsed.TotalSeconds, workloads = rows }, only is null ? Markdown(rows, partitions, batch) : null);
        }
        Console.WriteLine(failures == 0 ? "OK: every way agrees with the limit" : $"FAILED: {failures} run(s) disagree with the limit");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>--engine-only</c>: the generator-source way alone, checked against the same events folded in memory (no
    /// broker), for profiling and before/after comparisons of engine changes. Records nothing.
    /// </summary>
    private static async Task<int> EngineOnlyAsync(string[] args)
    {
        var events = Options.Long(args, "--events", 500_000);
        var partitions = (int)Options.Long(args, "--partitions", PartitionsFor(events));
        var batch = Options.Long(args, "--batch", BatchFor(events));
        var repeat = (int)Options.Long(args, "--repeat", 1);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "W1";
        await using var cluster = await BenchCluster.StartAsync();
        var run = new SluiceRun(cluster, events, batch, partitions);
        var limit = new Aggregates();
        var add = Add(only);
        for (long i = 0; i < events; i++)
        {
            var e = ClickEventSequence.At(i);
            limit.Observe(e);
            add(limit, e);
        }
        var sessions = only == "W3" ? limit.Sessions() : [];
        var failures = 0;
        for (var r = 0; r < repeat; r++)
        {
            var engine = await MeasureAsync(() => run.RunAsync(only, null));
            var check = Checks.Check(only, engine.Outcome, limit, sessions);
            failures += check is null ? 0 : 1;
            var way = Way.Of(engine, events, check);
            Console.WriteLine($"{only} engine alone: {way.EventsPerSecond:N0} events/s in {way.Seconds:F2} s, {way.Batches} batches of mean {way.MeanBatchMs:F0} ms, " +
                $"{way.AllocatedBytesPerEvent:N0} B/event, gen0/gen2 {way.Gen0Collections}/{way.Gen2Collections}, state {way.StateRows:N0} rows / {way.StateBytes:N0} B, " +
                $"checkpoint {way.CheckpointBytesPerBatch:N0} B/batch ({way.CheckpointBytesAtEnd:N0} B at end), " +
                $"phases {string.Join(' ', way.MeanDurationMs.Select(kv => $"{kv.Key}={kv.Value}"))} ({way.Check})");
        }
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Enough partitions to stay under the mock broker's ~5 MiB each (~160 B per event), 4 to 64.</summary>
    private static int PartitionsFor(long events) => (int)Math.Clamp(events * 160 / (3L << 20) + 1, 4, 64);

    /// <summary>maxOffsetsPerTrigger: the events in 8 batches.</summary>
    private static long BatchFor(long events) => Math.Max(1_000, events / 8);

    private static Action<Aggregates, ClickEvent> Add(string workload) => workload switch
    {
        "W1" => static (a, e) => a.AddW1(e),
        "W2" => static (a, e) => a.AddW2(e),
        "W3" => static (a, e) => a.AddW3(e),
        _ => static (a, e) => a.Purchases += e.IsPurchase ? 1 : 0,
    };

    private static string Markdown(List<WorkloadResult> rows, int partitions, long batch)
    {
        var text = new System.Text.StringBuilder()
            .AppendLine($"{rows[0].Events:N0} events from {partitions} Kafka partitions (embedded broker, same process), availableNow, batches of {batch:N0}.")
            .AppendLine("Engine alone = the `generator` source (rows made by offset, no broker, no parsing).")
            .AppendLine()
            .AppendLine("| Workload | Limit (bare consumer) ev/s | Sluice from Kafka ev/s | % of limit | Engine alone ev/s | Bytes allocated/event (Kafka, engine) | Batches | State rows at end | Checkpoint written/batch | Result | Check |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in rows)
        {
            var check = r.Kafka.Check == "agrees" && r.Engine.Check == "agrees" ? "all 3 agree" : $"Kafka: {r.Kafka.Check}; engine: {r.Engine.Check}";
            text.AppendLine($"| {r.Workload} | {r.LimitEventsPerSecond:N0} | {r.Kafka.EventsPerSecond:N0} | {100 * r.Kafka.EventsPerSecond / r.LimitEventsPerSecond:F0}% | " +
                $"{r.Engine.EventsPerSecond:N0} | {r.Kafka.AllocatedBytesPerEvent:N0}, {r.Engine.AllocatedBytesPerEvent:N0} | {r.Kafka.Batches} | " +
                $"{r.Kafka.StateRows:N0} | {Kb(r.Kafka.CheckpointBytesPerBatch)} | {r.Result} | {check} |");
        }
        var w1 = rows[0];
        text.AppendLine()
            .AppendLine($"Peak working set of the whole process (silo, embedded broker, the limit's consumers, every run): {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MB. " +
                "Checkpoint written/batch = state changelogs and snapshots of all key groups plus the batch's offsets and commits log files (Sluice from Kafka).")
            .AppendLine()
            .AppendLine("Targets (DESIGN.md):")
            .AppendLine($"- W1 from Kafka >= 80% of the limit: **{100 * w1.Kafka.EventsPerSecond / w1.LimitEventsPerSecond:F0}%** ({(w1.Kafka.EventsPerSecond >= 0.8 * w1.LimitEventsPerSecond ? "met" : "not met")}).")
            .AppendLine($"- W1 engine alone >= 10M events/s: **{w1.Engine.EventsPerSecond:N0}/s** ({(w1.Engine.EventsPerSecond >= 10_000_000 ? "met" : "not met")}).")
            .AppendLine("- Latency p99 <= 250 ms at 50k events/s: see the latency section.");
        return text.ToString();
    }

    private static string Kb(double bytes) => bytes < 10_000 ? $"{bytes:N0} B" : $"{bytes / 1024:N0} KB";

    private static string Summary(string w, Aggregates limit, List<Session> sessions) => w switch
    {
        "W1" => $"{limit.Counts.Count:N0} (user, window) counts",
        "W2" => $"{limit.Revenue.Count:N0} (product, window) revenues",
        "W3" => $"{sessions.Count:N0} sessions, {sessions.Sum(s => s.Cents) / 100.0:N2} total",
        _ => $"{limit.Purchases:N0} purchases",
    };

    private static readonly MeterTotals Meters = new();

    private static async Task<Measured> MeasureAsync(Func<Task<SluiceRun.Outcome>> run)
    {
        var counters = Meters.Snapshot();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var outcome = await run();
        // Up to the query's end: reading the output back for the check is the harness's allocation, not the engine's.
        return new Measured(outcome, outcome.AllocatedAtEnd - allocated, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2,
            MeterTotals.Growth(counters, Meters.Snapshot()));
    }
}

internal sealed record Measured(SluiceRun.Outcome Outcome, long AllocatedBytes, int Gen0, int Gen2, Dictionary<string, double> Counters);

/// <summary>One way of running a workload: speed, batches, memory and whether it agreed.</summary>
internal sealed record Way(double Seconds, double EventsPerSecond, int Batches, double MeanBatchMs, long StateRows, long StateBytes,
    double AllocatedBytesPerEvent, int Gen0Collections, int Gen2Collections, long OutputRows, string Check,
    IReadOnlyDictionary<string, double> MeanDurationMs, Dictionary<string, double> Counters, double CheckpointBytesPerBatch, long CheckpointBytesAtEnd)
{
    public static Way Of(Measured m, long events, string? check)
    {
        var p = m.Outcome.Progress.Where(x => x.NumInputRows > 0).ToList();
        var state = m.Outcome.Progress.LastOrDefault()?.StateOperators.FirstOrDefault();
        return new Way(m.Outcome.Seconds, events / m.Outcome.Seconds, p.Count, p.Count == 0 ? 0 : p.Average(x => x.BatchDuration),
            state?.NumRowsTotal ?? 0, state?.MemoryUsedBytes ?? 0, (double)m.AllocatedBytes / events, m.Gen0, m.Gen2,
            m.Outcome.OutputRecords, check ?? "agrees",
            p.SelectMany(x => x.DurationMs).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => Math.Round(g.Average(kv => kv.Value), 1)),
            m.Counters, Math.Round(m.Outcome.CheckpointBytesPerBatch), m.Outcome.CheckpointBytesAtEnd);
    }
}

internal sealed record WorkloadResult(string Workload, long Events, double LimitEventsPerSecond, double LimitSeconds, Way Kafka, Way Engine, string Result);
