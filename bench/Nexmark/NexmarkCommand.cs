using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Bench.Workloads;
using Sluice.Contracts;
using Sluice.Client;
using Sluice.Connectors.Nexmark;
using Sluice.Spec;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// <c>nexmark [--events N] [--only q5] [--quick] [--partitions P]</c>: each query of <c>bench/nexmark/q*.json</c> on
/// the nexmark source (the engine alone, as <c>workloads --engine-only</c>: one silo in this process, no broker), with
/// availableNow in 8 batches, its output folded by a foreachBatch handler and checked against
/// <see cref="NexmarkReference"/> over the same events. A query the planner refuses is reported as not runnable with
/// the planner's message. Exits 1 only if a query that ran disagrees with the reference (or failed while running).
/// </summary>
internal static class NexmarkCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var events = Options.Long(args, "--events", quick ? 100_000 : 10_000_000);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var config = new NexmarkConfig
        {
            Events = events,
            Partitions = (int)Options.Long(args, "--partitions", 8),
            // Event time spans 100 s whatever N, so the 10 s windows of q5, q7, q8 and q11 close and their results are checked.
            EventsPerSecond = Math.Max(1_000, events / 100),
        };
        var batch = Math.Max(1_000, events / 8);
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"nexmark: {events:N0} events ({config.EventsPerSecond:N0} per second of event time), {config.Partitions} partitions, batches of {batch:N0}, {cores} cores");

        await using var cluster = await BenchCluster.StartAsync();
        WriteSideInput(cluster.CheckpointRoot);
        var results = new List<NexmarkResult>();
        foreach (var query in NexmarkReference.Queries.Where(q => only is null || q == only))
        {
            var result = await RunQueryAsync(cluster, query, config, batch, cores);
            results.Add(result);
            Console.WriteLine(result.Describe());
        }
        var failures = results.Count(r => r.Failed);
        if (!quick && only is null)
        {
            await Report.WriteAsync("nexmark", new { events, config.Partitions, config.EventsPerSecond, batchSize = batch, queries = results },
                NexmarkTable.Markdown(results, config, batch));
        }
        Console.WriteLine(failures == 0 ? "OK: every query that ran agrees with the reference" : $"FAILED: {failures} query(ies) disagree or failed");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<NexmarkResult> RunQueryAsync(BenchCluster cluster, string query, NexmarkConfig config, long batch, int cores)
    {
        var spec = SpecFor(query, config, batch);
        var digest = NexmarkSink.Start(NexmarkReference.UpdateKeys(query));
        using var memory = new PeakWorkingSet();
        var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen2) = (GC.CollectionCount(0), GC.CollectionCount(2));
        var watch = Stopwatch.StartNew();
        StreamingQuery handle;
        try
        {
            handle = await cluster.Client.StartAsync(spec);
        }
        catch (QueryStartException e)
        {
            return new NexmarkResult(query, "not runnable: " + e.Message);
        }
        try
        {
            await handle.AwaitTerminationAsync();
        }
        catch (StreamingQueryException e)
        {
            return new NexmarkResult(query, "failed: " + e.Message) { Failed = true };
        }
        var seconds = watch.Elapsed.TotalSeconds;
        NexmarkSink.Finish();
        // Before the reference runs: the whole process's allocation while the query ran (source, engine, sink).
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart;
        (gen0, gen2) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2);
        var progress = await handle.RecentProgressAsync();
        var watermark = Checks.FinalWatermarkMs(progress);
        var reference = new RowDigest();
        foreach (var row in NexmarkReference.Rows(query, Events(config), watermark))
        {
            reference.Add(row);
        }
        var check = RowDigest.Compare(digest, reference);
        return new NexmarkResult(query, check is null ? "agrees" : "DISAGREES: " + check)
        {
            Failed = check is not null,
            Seconds = seconds,
            EventsPerSecond = config.Events / seconds,
            EventsPerSecondPerCore = config.Events / seconds / cores,
            PeakWorkingSetMb = memory.PeakMb,
            StateRows = progress.LastOrDefault()?.StateOperators.Sum(o => o.NumRowsTotal) ?? 0,
            OutputRows = digest.Count,
            Batches = progress.Count(p => p.NumInputRows > 0),
            AllocatedBytesPerEvent = allocated / config.Events,
            Gen0Collections = gen0,
            Gen2Collections = gen2,
        };
    }

    /// <summary>The spec file with this run's events, partitions and batch size on every nexmark source, the counting sink and availableNow.</summary>
    internal static QuerySpec SpecFor(string query, NexmarkConfig config, long batch)
    {
        var folder = Directory.Exists(Path.Combine("bench", "nexmark")) ? Path.Combine("bench", "nexmark") : "nexmark";
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, query + ".json")))!.AsObject();
        json["name"] = $"nexmark_{query}_{Guid.NewGuid():N}"[..24];
        json.Remove("checkpointLocation");
        json["sink"] = new JsonObject { ["kind"] = "foreachBatch", ["handler"] = NexmarkSink.HandlerName };
        json["trigger"] = new JsonObject { ["availableNow"] = true };
        foreach (var source in Sources(json))
        {
            var options = source["options"] as JsonObject ?? [];
            options["events"] = Str(config.Events);
            options["partitions"] = Str(config.Partitions);
            options["eventsPerSecond"] = Str(config.EventsPerSecond);
            options["seed"] = Str(config.Seed);
            source["options"] = options;
            source["maxOffsetsPerTrigger"] = batch;
        }
        return SpecReader.Read(json.ToJsonString());
    }

    /// <summary>Every <c>"kind": "nexmark"</c> object in the spec: the query's source and those of joins and unions.</summary>
    private static IEnumerable<JsonObject> Sources(JsonNode? node) => node switch
    {
        JsonObject o when (string?)o["kind"] == "nexmark" => [o],
        JsonObject o => o.SelectMany(kv => Sources(kv.Value)).ToList(),
        JsonArray a => a.SelectMany(Sources).ToList(),
        _ => [],
    };

    /// <summary>q13's side input as the <c>table</c> source reads it: JSON lines under the silo's data folder (its checkpoint root here).</summary>
    private static void WriteSideInput(string dataFolder)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dataFolder, "nexmark", "side_input")).FullName;
        File.WriteAllLines(Path.Combine(folder, "part-0.json"),
            Enumerable.Range(0, NexmarkReference.SideInputRows).Select(k => $$"""{"key": {{k}}, "value": "{{k}}"}"""));
    }

    /// <summary>The whole sequence, in event-number order, made again on every enumeration.</summary>
    internal static IEnumerable<NexmarkEvent> Events(NexmarkConfig config)
    {
        for (var n = 0L; n < config.Events; n++)
        {
            yield return NexmarkGenerator.At(config, n);
        }
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One query's run: its check, speed, memory and state.</summary>
internal sealed record NexmarkResult(string Query, string Check)
{
    public bool Failed { get; init; }

    public double Seconds { get; init; }

    public double EventsPerSecond { get; init; }

    public double EventsPerSecondPerCore { get; init; }

    public long PeakWorkingSetMb { get; init; }

    public long StateRows { get; init; }

    public long OutputRows { get; init; }

    public int Batches { get; init; }

    /// <summary>Bytes the whole process allocated while the query ran, per event of the source.</summary>
    public long AllocatedBytesPerEvent { get; init; }

    public int Gen0Collections { get; init; }

    public int Gen2Collections { get; init; }

    public bool Ran => Seconds > 0;

    public string Describe() => Ran
        ? $"{Query}: {EventsPerSecond:N0} events/s ({EventsPerSecondPerCore:N0} per core) in {Seconds:F1} s, {Batches} batches, peak working set {PeakWorkingSetMb:N0} MB, " +
          $"{AllocatedBytesPerEvent:N0} B/event, gen0/gen2 {Gen0Collections}/{Gen2Collections}, " +
          $"state {StateRows:N0} rows, {OutputRows:N0} output rows: {Check}"
        : $"{Query}: {Check}";
}
