using System.Diagnostics;

namespace Sluice.Bench.Workloads;

/// <summary>
/// <c>workloads [--quick] [--events N] [--only W1] [--kafka-only]</c>: W1-W4 four ways on the same events (Sluice from
/// Kafka, the fair bare Confluent.Kafka limit, Sluice on the generator source, and the engine-alone limit: the events
/// folded in memory), checked against each other key by key; writes the results JSON and the table in BENCHMARKS.md
/// (not with <c>--quick</c> or <c>--kafka-only</c>). Exits 1 only if a way disagrees with the limit.
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
        if (args.Contains("--kafka-only"))
        {
            return await KafkaOnlyAsync(args);
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
        var limitSettings = SluiceReaderConfig.Tuning(SluiceReaderConfig.For(cluster.BootstrapServers, cluster.KafkaReaderSettings, topic, 0));
        Console.WriteLine($"the limit: {partitions} consumers, one per partition as Sluice's agents, with its reader's settings ({string.Join(", ", limitSettings.Select(kv => $"{kv.Key}={kv.Value}"))})");

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
            var (limit, limitSeconds) = BareConsumer.Run(cluster, topic, partitions, w, limitTopic);
            if (limit.Events != events)
            {
                throw new InvalidOperationException($"the limit read {limit.Events} events, not {events}");
            }
            var (fold, foldSeconds) = InMemoryFold.Run(w, events);
            var foldCheck = limit.Differences(w, fold);
            var kafka = await MeasureAsync(() => run.RunAsync(w, topic));
            var engine = await MeasureAsync(() => run.RunAsync(w, null));
            var kafkaCheck = Checks.Check(w, kafka.Outcome, limit);
            var engineCheck = Checks.Check(w, engine.Outcome, limit);
            failures += (kafkaCheck is null ? 0 : 1) + (engineCheck is null ? 0 : 1) + (foldCheck is null ? 0 : 1);
            var result = new WorkloadResult(w, events, events / limitSeconds, limitSeconds, events / foldSeconds, foldCheck ?? "agrees",
                Way.Of(kafka, events, kafkaCheck), Way.Of(engine, events, engineCheck), Summary(w, limit));
            rows.Add(result);
            Console.WriteLine($"{w}: limit {result.LimitEventsPerSecond:N0}/s, Sluice from Kafka {result.Kafka.EventsPerSecond:N0}/s " +
                $"({Percent(result.Kafka.EventsPerSecond, result.LimitEventsPerSecond)} of the limit, {kafkaCheck ?? "agrees"}); in-memory fold {result.FoldEventsPerSecond:N0}/s " +
                $"({foldCheck ?? "agrees"}), engine alone {result.Engine.EventsPerSecond:N0}/s ({Percent(result.Engine.EventsPerSecond, result.FoldEventsPerSecond)} of the fold, " +
                $"{result.Engine.CpuNsPerEvent:N0} CPU ns/event, {engineCheck ?? "agrees"})");
        }

        foreach (var line in Targets(rows))
        {
            Console.WriteLine("target: " + line.Replace("**", "", StringComparison.Ordinal));
        }
        if (!quick)
        {
            // The quick run is CI's smoke test: it checks agreement and leaves the recorded figures alone.
            await Report.WriteAsync(only is not null ? "workloads-" + only : "workloads",
                new { events, partitions, batchSize = batch, preloadSeconds = preload.Elapsed.TotalSeconds, limitSettings, workloads = rows }, only is null ? Markdown(rows, partitions, batch, limitSettings) : null);
        }
        Console.WriteLine(failures == 0 ? "OK: every way agrees with the limit" : $"FAILED: {failures} run(s) disagree with the limit");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>--engine-only</c>: the generator-source way alone, checked against the same events folded in memory (no
    /// broker), for profiling and before/after comparisons of engine changes: each run prints its ratio to that fold's
    /// speed, the process's CPU ns per event, and each phase's ns per event. Records nothing.
    /// </summary>
    private static async Task<int> EngineOnlyAsync(string[] args)
    {
        var (events, partitions, batch, repeat, only) = OneWay.Parse(args);
        await using var cluster = await BenchCluster.StartAsync();
        var run = new SluiceRun(cluster, events, batch, partitions);
        var (limit, foldSeconds) = InMemoryFold.Run(only, events);
        var foldRate = events / foldSeconds;
        Console.WriteLine($"{only} in-memory fold (the engine-alone limit, 1 thread): {foldRate:N0} events/s");
        var failures = 0;
        for (var r = 0; r < repeat; r++)
        {
            var engine = await MeasureAsync(() => run.RunAsync(only, null));
            var check = Checks.Check(only, engine.Outcome, limit);
            failures += check is null ? 0 : 1;
            var way = Way.Of(engine, events, check);
            Console.WriteLine($"{only} engine alone: {way.EventsPerSecond:N0} events/s in {way.Seconds:F2} s ({Percent(way.EventsPerSecond, foldRate)} of the in-memory fold), " +
                $"{way.CpuNsPerEvent:N0} CPU ns/event, {way.Batches} batches of mean {way.MeanBatchMs:F0} ms, " +
                $"{way.AllocatedBytesPerEvent:N0} B/event ({Steady(engine.Outcome)} after the first {BatchAllocations.StartBatches} batches), gen0/gen2 {way.Gen0Collections}/{way.Gen2Collections}, " +
                $"{way.FaultsPerThousandEvents:F1} page faults/1k events, working set {Environment.WorkingSet / (1 << 20):N0} MB now, {PeakWorkingSetMb():N0} MB peak, {GcMemory()}, state {way.StateRows:N0} rows / {way.StateBytes:N0} B, " +
                $"checkpoint {way.CheckpointBytesPerBatch:N0} B/batch ({way.CheckpointBytesAtEnd:N0} B at end), " +
                $"ns/event {string.Join(' ', way.PhaseNsPerEvent.Select(kv => $"{kv.Key}={kv.Value:F0}"))}, " +
                $"mean ms/batch {string.Join(' ', way.MeanDurationMs.Select(kv => $"{kv.Key}={kv.Value}"))} ({way.Check})");
        }
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>--kafka-only</c>: the Kafka ways alone (the fair bare-consumer limit, then Sluice from Kafka), each Sluice run
    /// checked against the limit key by key, for profiling and before/after comparisons of the Kafka path: each run
    /// prints its share of the limit, its bytes allocated and CPU ns per event. Records nothing.
    /// </summary>
    private static async Task<int> KafkaOnlyAsync(string[] args)
    {
        var (events, partitions, batch, repeat, only) = OneWay.Parse(args);
        await using var cluster = await BenchCluster.StartAsync();
        var topic = "clicks_" + Guid.NewGuid().ToString("N")[..8];
        cluster.CreateTopic(topic, partitions);
        cluster.Preload(topic, partitions, events);
        var run = new SluiceRun(cluster, events, batch, partitions);
        var failures = 0;
        for (var r = 0; r < repeat; r++)
        {
            string? limitTopic = null;
            if (only == "W4")
            {
                cluster.CreateTopic(limitTopic = $"{topic}_limit_out{r}", 8);
            }
            var limitCpu = SluiceRun.ProcessCpu();
            var (limit, limitSeconds) = BareConsumer.Run(cluster, topic, partitions, only, limitTopic);
            // The limit's CPU per event (its consumers, the embedded broker serving them, the GC) holds under load,
            // where its events/s and the share of it do not: Sluice's CPU per event against it is the share a quiet
            // machine would give were both CPU-bound.
            var limitCpuNs = (SluiceRun.ProcessCpu() - limitCpu).TotalNanoseconds / events;
            var limitRate = events / limitSeconds;
            var kafka = await MeasureAsync(() => run.RunAsync(only, topic));
            var check = limit.Events == events ? Checks.Check(only, kafka.Outcome, limit) : $"the limit read {limit.Events} events, not {events}";
            failures += check is null ? 0 : 1;
            var way = Way.Of(kafka, events, check);
            Console.WriteLine($"{only} from Kafka, {events:N0} events, {partitions} partitions: limit {limitRate:N0} events/s ({limitCpuNs:N0} CPU ns/event); Sluice {way.EventsPerSecond:N0} events/s " +
                $"({Percent(way.EventsPerSecond, limitRate)} of the limit; by CPU per event {Percent(limitCpuNs, way.CpuNsPerEvent)}) in {way.Seconds:F2} s, {way.CpuNsPerEvent:N0} CPU ns/event, " +
                $"{way.AllocatedBytesPerEvent:N0} B/event, gen0/gen2 {way.Gen0Collections}/{way.Gen2Collections}, " +
                $"ns/event {string.Join(' ', way.PhaseNsPerEvent.Select(kv => $"{kv.Key}={kv.Value:F0}"))} ({way.Check})");
        }
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Enough partitions to stay under the mock broker's ~5 MiB each (~160 B per event), 4 to 64.</summary>
    private static int PartitionsFor(long events) => (int)Math.Clamp(events * 160 / (3L << 20) + 1, 4, 64);

    /// <summary>maxOffsetsPerTrigger: the events in 8 batches.</summary>
    private static long BatchFor(long events) => Math.Max(1_000, events / 8);

    private static string Markdown(List<WorkloadResult> rows, int partitions, long batch, Dictionary<string, string> limitSettings)
    {
        var text = new System.Text.StringBuilder()
            .AppendLine($"{rows[0].Events:N0} events from {partitions} Kafka partitions (embedded broker, same process), availableNow, batches of {batch:N0}.")
            .AppendLine($"Limit = the fair bare-consumer limit: {partitions} Confluent.Kafka consumers (one per partition, as Sluice's {partitions} partition agents), " +
                $"each on its own thread with the settings of Sluice's partition reader ({string.Join(", ", limitSettings.Select(kv => $"`{kv.Key}={kv.Value}`"))}), " +
                "the JSON parsed by `Utf8JsonReader` straight into the fold. " +
                "In-memory fold = the engine-alone limit: the same events (`ClickEventSequence`) folded into dictionaries on 1 thread, no engine. " +
                "Engine alone = the `generator` source (events made by offset, no broker, no parsing).")
            .AppendLine()
            .AppendLine("| Workload | Limit (bare consumer) ev/s | Sluice from Kafka ev/s | % of limit | In-memory fold ev/s | Engine alone ev/s | % of fold | CPU ns/event (engine) | Bytes allocated/event (Kafka, engine) | Batches | State rows at end | Checkpoint written/batch | Result | Check |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in rows)
        {
            var check = r.Kafka.Check == "agrees" && r.Engine.Check == "agrees" && r.FoldCheck == "agrees" ? "all 4 agree"
                : $"Kafka: {r.Kafka.Check}; engine: {r.Engine.Check}; fold: {r.FoldCheck}";
            text.AppendLine($"| {r.Workload} | {r.LimitEventsPerSecond:N0} | {r.Kafka.EventsPerSecond:N0} | {Percent(r.Kafka.EventsPerSecond, r.LimitEventsPerSecond)} | " +
                $"{r.FoldEventsPerSecond:N0} | {r.Engine.EventsPerSecond:N0} | {Percent(r.Engine.EventsPerSecond, r.FoldEventsPerSecond)} | {r.Engine.CpuNsPerEvent:N0} | " +
                $"{r.Kafka.AllocatedBytesPerEvent:N0}, {r.Engine.AllocatedBytesPerEvent:N0} | {r.Kafka.Batches} | " +
                $"{r.Kafka.StateRows:N0} | {Kb(r.Kafka.CheckpointBytesPerBatch)} | {r.Result} | {check} |");
        }
        text.AppendLine()
            .AppendLine($"Peak working set of the whole process (silo, embedded broker, the limit's consumers, every run): {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MB. " +
                "Checkpoint written/batch = state changelogs and snapshots of all key groups plus the batch's offsets and commits log files (Sluice from Kafka). " +
                "CPU ns/event = the process's CPU time over the engine-alone run (every thread: silo, GC) / events.")
            .AppendLine()
            .AppendLine("Targets (issue 15):");
        foreach (var line in Targets(rows))
        {
            text.AppendLine("- " + line);
        }
        return text.ToString();
    }

    /// <summary>Issue 15's throughput and allocation targets, each with its measured value and met or not.</summary>
    private static IEnumerable<string> Targets(List<WorkloadResult> rows)
    {
        var by = rows.ToDictionary(r => r.Workload);
        static string Met(bool met) => met ? "met" : "not met";
        if (by.TryGetValue("W1", out var w1))
        {
            var rate = w1.Engine.EventsPerSecond;
            yield return $"W1 engine alone >= 5M events/s (10M the stretch): **{rate:N0}/s** ({Met(rate >= 5_000_000)}{(rate >= 10_000_000 ? ", stretch met" : "")}).";
        }
        var w23 = rows.Where(r => r.Workload is "W2" or "W3").ToList();
        if (w23.Count > 0)
        {
            yield return $"W2 and W3 engine alone >= 3M events/s: **{Each(w23, r => $"{r.Engine.EventsPerSecond:N0}/s")}** ({Met(w23.All(r => r.Engine.EventsPerSecond >= 3_000_000))}).";
        }
        yield return $"Allocation <= 64 B/event on the engine path: **{Each(rows, r => $"{r.Engine.AllocatedBytesPerEvent:N0} B")}** ({Met(rows.All(r => r.Engine.AllocatedBytesPerEvent <= 64))}).";
        yield return $"Allocation <= 128 B/event on the Kafka path: **{Each(rows, r => $"{r.Kafka.AllocatedBytesPerEvent:N0} B")}** ({Met(rows.All(r => r.Kafka.AllocatedBytesPerEvent <= 128))}).";
        var fromKafka = rows.Where(r => r.Workload is "W1" or "W2" or "W3").ToList();
        if (fromKafka.Count > 0)
        {
            yield return $"From Kafka, W1-W3 >= 90% of the fair limit: **{Each(fromKafka, r => Percent(r.Kafka.EventsPerSecond, r.LimitEventsPerSecond))}** " +
                $"({Met(fromKafka.All(r => r.Kafka.EventsPerSecond >= 0.9 * r.LimitEventsPerSecond))}).";
        }
        yield return "Latency p99 <= 50 ms at 50k events/s with the default trigger: see the latency section.";
        yield return "10 million keys in a windowed append-mode aggregation, peak RSS <= 2 GiB and no batch over twice the median: see the state section.";
    }

    private static string Each(IEnumerable<WorkloadResult> rows, Func<WorkloadResult, string> value) => string.Join(", ", rows.Select(r => $"{r.Workload} {value(r)}"));

    /// <summary>A share in percent, with a decimal below 10% (the engine against the in-memory fold).</summary>
    private static string Percent(double part, double whole) => 100 * part / whole is var p && p < 10 ? $"{p:F1}%" : $"{p:F0}%";

    private static string Kb(double bytes) => bytes < 10_000 ? $"{bytes:N0} B" : $"{bytes / 1024:N0} KB";

    private static string Summary(string w, Aggregates limit) => w switch
    {
        "W1" => $"{limit.Counts.Count:N0} (user, window) counts",
        "W2" => $"{limit.Revenue.Count:N0} (product, window) revenues",
        "W3" => $"{limit.Sessions.Count:N0} sessions, {limit.Sessions.Sum(s => s.Cents) / 100.0:N2} total",
        _ => $"{limit.Purchases:N0} purchases",
    };

    private static readonly MeterTotals Meters = new();

    /// <summary>The GC's memory as its last collection left it: committed, the heap, and the free space inside the heap.</summary>
    private static string GcMemory()
    {
        var info = GC.GetGCMemoryInfo();
        return $"GC committed {info.TotalCommittedBytes / (1 << 20):N0} MB (heap {info.HeapSizeBytes / (1 << 20):N0} MB, " +
            $"fragmented {info.FragmentedBytes / (1 << 20):N0} MB, promoted {info.PromotedBytes / (1 << 20):N0} MB)";
    }

    private static long PeakWorkingSetMb()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1 << 20);
    }

    /// <summary>A run's later batches' bytes and CPU per event (<see cref="BatchAllocations"/>), or why there are none.</summary>
    private static string Steady(SluiceRun.Outcome outcome) =>
        outcome is { SteadyBytesPerEvent: { } bytes, SteadyCpuNsPerEvent: { } cpu } ? $"{bytes:N0} B/event, {cpu:N0} CPU ns/event" : "too few batches for a figure";

    private static async Task<Measured> MeasureAsync(Func<Task<SluiceRun.Outcome>> run)
    {
        var counters = Meters.Snapshot();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var cpu = SluiceRun.ProcessCpu();
        var faults = SluiceRun.ProcessMinorFaults();
        var outcome = await run();
        // Up to the query's end: reading the output back for the check is the harness's allocation and CPU, not the engine's.
        return new Measured(outcome, outcome.AllocatedAtEnd - allocated, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2,
            MeterTotals.Growth(counters, Meters.Snapshot()), (outcome.CpuAtEnd - cpu).TotalSeconds,
            outcome.MinorFaultsAtEnd - faults);
    }

    /// <summary>The options of a one-way run (<c>--engine-only</c>, <c>--kafka-only</c>).</summary>
    private readonly record struct OneWay(long Events, int Partitions, long Batch, int Repeat, string Only)
    {
        public static OneWay Parse(string[] args)
        {
            var events = Options.Long(args, "--events", 500_000);
            return new OneWay(
                events,
                (int)Options.Long(args, "--partitions", PartitionsFor(events)),
                Options.Long(args, "--batch", BatchFor(events)),
                (int)Options.Long(args, "--repeat", 1),
                args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "W1");
        }
    }
}

internal sealed record Measured(SluiceRun.Outcome Outcome, long AllocatedBytes, int Gen0, int Gen2, Dictionary<string, double> Counters, double CpuSeconds, long MinorFaults);

/// <summary>
/// One way of running a workload: speed, batches, memory and whether it agreed. <see cref="PhaseNsPerEvent"/> is each
/// phase of the progress reports' <c>durationMs</c> (addBatch, commitOffsets, ...) summed over the batches, per event.
/// </summary>
internal sealed record Way(double Seconds, double EventsPerSecond, int Batches, double MeanBatchMs, long StateRows, long StateBytes,
    double AllocatedBytesPerEvent, int Gen0Collections, int Gen2Collections, long OutputRows, string Check,
    IReadOnlyDictionary<string, double> MeanDurationMs, Dictionary<string, double> Counters, double CheckpointBytesPerBatch, long CheckpointBytesAtEnd,
    double CpuNsPerEvent, IReadOnlyDictionary<string, double> PhaseNsPerEvent)
{
    /// <summary>Minor page faults per 1,000 events (fresh pages mapped while the query ran).</summary>
    public double FaultsPerThousandEvents { get; init; }

    public static Way Of(Measured m, long events, string? check)
    {
        var p = m.Outcome.Progress.Where(x => x.NumInputRows > 0).ToList();
        var state = m.Outcome.Progress.LastOrDefault()?.StateOperators.FirstOrDefault();
        return new Way(m.Outcome.Seconds, events / m.Outcome.Seconds, p.Count, p.Count == 0 ? 0 : p.Average(x => x.BatchDuration),
            state?.NumRowsTotal ?? 0, state?.MemoryUsedBytes ?? 0, (double)m.AllocatedBytes / events, m.Gen0, m.Gen2,
            m.Outcome.OutputRecords, check ?? "agrees",
            p.SelectMany(x => x.DurationMs).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => Math.Round(g.Average(kv => kv.Value), 1)),
            m.Counters, Math.Round(m.Outcome.CheckpointBytesPerBatch), m.Outcome.CheckpointBytesAtEnd, Math.Round(m.CpuSeconds * 1e9 / events),
            p.SelectMany(x => x.DurationMs).GroupBy(kv => kv.Key).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Math.Round(g.Sum(kv => (double)kv.Value) * 1e6 / events)))
        {
            FaultsPerThousandEvents = m.MinorFaults * 1000.0 / events,
        };
    }
}

/// <param name="LimitEventsPerSecond">The fair bare-consumer limit from Kafka (<see cref="BareConsumer"/>).</param>
/// <param name="FoldEventsPerSecond">The engine-alone limit: the same events folded in memory (<see cref="InMemoryFold"/>).</param>
/// <param name="FoldCheck">Whether the in-memory fold agrees with the bare consumer key by key.</param>
internal sealed record WorkloadResult(string Workload, long Events, double LimitEventsPerSecond, double LimitSeconds, double FoldEventsPerSecond,
    string FoldCheck, Way Kafka, Way Engine, string Result);
