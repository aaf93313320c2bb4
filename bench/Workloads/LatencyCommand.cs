using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Progress;
using Sluice.Silo.Demo;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// <c>latency [--quick]</c>: a producer writes click events at a fixed rate for a fixed time while a W4-like query
/// (purchases only) runs; each record's latency is its Kafka timestamp to the commit of the batch that holds it
/// (batch found from the progress reports' start/end offsets; commit = progress timestamp + batchDuration).
/// </summary>
internal static class LatencyCommand
{
    private const int Partitions = 24;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        int[] rates = quick ? [10_000] : [10_000, 50_000, 100_000];
        if (Options.Long(args, "--rate", 0) is > 0 and var only)
        {
            rates = [(int)only];
        }
        var sinks = args.SkipWhile(a => a != "--sink").Skip(1).Take(1).DefaultIfEmpty("").First() is { Length: > 0 } oneSink ? new[] { oneSink } : ["kafka", "memory"];
        var triggers = args.Contains("--default-trigger") ? new[] { "default" } : ["default", "processingTime 100 ms"];
        var record = !args.Contains("--rate") && !args.Contains("--sink") && !args.Contains("--default-trigger");
        var seconds = quick ? 5 : (int)Options.Long(args, "--seconds", 6);
        var warmSeconds = (int)Options.Long(args, "--warm-seconds", 0);
        await using var cluster = await BenchCluster.StartAsync();
        var results = new List<LatencyResult>();
        foreach (var rate in rates)
        {
            foreach (var trigger in triggers)
            {
                foreach (var sink in sinks)
                {
                    var r = await RunOneAsync(cluster, rate, seconds, warmSeconds, trigger, sink);
                    results.Add(r);
                    Console.WriteLine($"{rate:N0}/s, {trigger}, {sink} sink: achieved {r.AchievedRate:N0}/s, p50 {r.P50Ms} ms, p99 {r.P99Ms} ms, max {r.MaxMs} ms, " +
                        $"{r.Batches} batches, {r.Unprocessed} unprocessed; batch mean {r.MeanBatchMs:F0} ms, p99 {r.P99BatchMs} ms; phases {r.MeanPhasesMs}");
                }
            }
        }
        if (!record)
        {
            return 0; // a partial run (one rate, sink or trigger) is for investigation: it records nothing
        }
        await Report.WriteAsync(quick ? "latency-quick" : "latency", new { quick, seconds, partitions = Partitions, runs = results }, Markdown(results, seconds));
        return 0;
    }

    private static async Task<LatencyResult> RunOneAsync(BenchCluster cluster, int rate, int seconds, int warmSeconds, string trigger, string sink)
    {
        var topic = "lat_" + Guid.NewGuid().ToString("N")[..8];
        cluster.CreateTopic(topic, Partitions);
        var frame = cluster.Client.ReadStream().Kafka(topic).Schema(ClickEvents.Schema.Select(c => (c.Key, c.Value)).ToArray())
            .StartingOffsets("earliest").Load().Where("event_type = 'purchase'");
        var writer = sink == "kafka" ? frame.WriteStream().Format("kafka").Option("topic", topic + "_out") : frame.WriteStream().Format("memory");
        if (sink == "kafka")
        {
            cluster.CreateTopic(topic + "_out", 8);
        }
        if (trigger != "default")
        {
            writer = writer.Trigger(Trigger.ProcessingTime("100 milliseconds"));
        }
        var query = await writer.OutputMode("append").StartAsync(topic);
        await WarmUpAsync(cluster.BootstrapServers, query, topic);
        if (warmSeconds > 0)
        {
            await RunAtRateAsync(cluster.BootstrapServers, query, topic, rate, warmSeconds);
        }
        var stamps = Enumerable.Range(0, Partitions).Select(_ => new List<(long Offset, long Ms, long AckMs)>()).ToArray();
        var produced = await ProduceOnOwnThreadAsync(cluster.BootstrapServers, topic, rate, seconds, stamps);
        var ends = stamps.Select(s => s.Count == 0 ? 0 : s.Max(x => x.Offset) + 1).ToArray();
        var drain = Stopwatch.StartNew();
        IReadOnlyList<QueryProgress> progress = [];
        while (drain.Elapsed < TimeSpan.FromSeconds(90))
        {
            progress = await query.RecentProgressAsync();
            if (Reached(progress, topic, ends))
            {
                break;
            }
            await Task.Delay(200);
        }
        await query.StopAsync();
        return Measure(rate, trigger, sink, produced, progress, topic, stamps);
    }

    /// <summary>
    /// One record per partition, processed before the clock starts: the first batch activates the partition agents
    /// and connects their Kafka consumers (and the Kafka sink reads its topic's tail), which is start-up, not latency.
    /// </summary>
    private static async Task WarmUpAsync(string bootstrap, StreamingQuery query, string topic)
    {
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
        {
            for (var p = 0; p < Partitions; p++)
            {
                producer.Produce(new TopicPartition(topic, p), new Message<Null, byte[]> { Value = ClickJson.Encode(ClickEventSequence.At(-1 - p)) });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        var ends = Enumerable.Repeat(1L, Partitions).ToArray();
        var watch = Stopwatch.StartNew();
        while (!Reached(await query.RecentProgressAsync(), topic, ends))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the warm-up records of {topic} were not processed in 60 s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// <c>--warm-seconds N</c>: the rate for N seconds before the measured run, processed before its clock starts: the
    /// JIT compiles and tiers up the per-batch code in those seconds (with one record per partition only, it did so
    /// during the measured run: 13% of the process's CPU there), as in a query that has run for a while.
    /// </summary>
    private static async Task RunAtRateAsync(string bootstrap, StreamingQuery query, string topic, int rate, int seconds)
    {
        var stamps = Enumerable.Range(0, Partitions).Select(_ => new List<(long Offset, long Ms, long AckMs)>()).ToArray();
        await ProduceOnOwnThreadAsync(bootstrap, topic, rate, seconds, stamps, trace: false);
        var ends = stamps.Select(s => s.Count == 0 ? 0 : s.Max(x => x.Offset) + 1).ToArray();
        var watch = Stopwatch.StartNew();
        while (!Reached(await query.RecentProgressAsync(), topic, ends))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"the warm-up run of {topic} was not processed in 90 s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary><c>SLUICE_BENCH_TRACE=1</c>: per 250 ms, the worst latency and the producer's ack lag, and the slow batches.</summary>
    private static readonly bool Trace = Environment.GetEnvironmentVariable("SLUICE_BENCH_TRACE") is not null;

    /// <summary>The producer's worst delivery-report lag per 250 ms of the run (traced runs only).</summary>
    private static readonly SortedDictionary<long, long> AckLagByBucket = [];

    /// <summary>
    /// The producer loop blocks its thread for the whole run (it sleeps 1 ms between bursts). Called from this async
    /// method it ran on a thread-pool thread, the pool the silo in this process runs every grain on (two workers on two
    /// cores, more only as the pool notices starvation): the harness took a worker from the engine it measured. It gets
    /// a thread of its own. Each record's timestamp is still taken when the producer hands it over.
    /// </summary>
    private static Task<double> ProduceOnOwnThreadAsync(string bootstrap, string topic, int rate, int seconds, List<(long Offset, long Ms, long AckMs)>[] stamps, bool trace = true)
    {
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                done.SetResult(Produce(bootstrap, topic, rate, seconds, stamps, trace && Trace));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = "latency producer" }.Start();
        return done.Task;
    }

    /// <summary>Produces at <paramref name="rate"/> for <paramref name="seconds"/>, stamping each record; returns the rate achieved.</summary>
    private static double Produce(string bootstrap, string topic, int rate, int seconds, List<(long Offset, long Ms, long AckMs)>[] stamps, bool trace)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, QueueBufferingMaxMessages = 2_000_000 }).Build();
        var total = (long)rate * seconds;
        var watch = Stopwatch.StartNew();
        void Stamp(DeliveryReport<Null, byte[]> d, long ms)
        {
            if (!d.Error.IsError)
            {
                var acked = (long)(DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
                stamps[d.Partition.Value].Add((d.Offset.Value, ms, acked));
                if (trace)
                {
                    MaxInto(AckLagByBucket, watch.ElapsedMilliseconds / 250, acked - ms);
                }
            }
        }
        for (var i = 0L; i < total;)
        {
            var due = Math.Min(total, (long)(watch.Elapsed.TotalSeconds * rate));
            for (; i < due; i++)
            {
                // The record's timestamp as the producer sets it (CreateTime); delivery reports from the embedded broker do not echo it.
                var now = DateTime.UtcNow;
                var ms = (long)(now - DateTime.UnixEpoch).TotalMilliseconds;
                var message = new Message<Null, byte[]> { Value = ClickJson.Encode(ClickEventSequence.At(i)), Timestamp = new Timestamp(now) };
                producer.Produce(new TopicPartition(topic, (int)(i % Partitions)), message, d => Stamp(d, ms));
            }
            Thread.Sleep(1);
        }
        var achieved = total / watch.Elapsed.TotalSeconds;
        producer.Flush(TimeSpan.FromMinutes(1));
        return achieved;
    }

    private static bool Reached(IReadOnlyList<QueryProgress> progress, string topic, long[] ends) =>
        progress.LastOrDefault(p => p.Sources.Count > 0)?.Sources[0].EndOffset is { } end && end.TryGetValue(topic, out var offsets)
        && Enumerable.Range(0, ends.Length).All(p => offsets.GetValueOrDefault(p.ToString(CultureInfo.InvariantCulture)) >= ends[p]);

    private static LatencyResult Measure(int rate, string trigger, string sink, double achieved, IReadOnlyList<QueryProgress> progress, string topic,
        List<(long Offset, long Ms, long AckMs)>[] stamps)
    {
        var latencies = new List<long>();
        var ranges = new List<(int Partition, long Start, long End, long CommitMs)>();
        foreach (var p in progress.Where(p => p.NumInputRows > 0 && p.Sources.Count > 0))
        {
            var commit = Checks.Ms(p.Timestamp) + p.BatchDuration;
            var start = p.Sources[0].StartOffset?.GetValueOrDefault(topic);
            var end = p.Sources[0].EndOffset?.GetValueOrDefault(topic);
            for (var partition = 0; partition < stamps.Length && end is not null; partition++)
            {
                var key = partition.ToString(CultureInfo.InvariantCulture);
                ranges.Add((partition, start?.GetValueOrDefault(key) ?? 0, end.GetValueOrDefault(key), commit));
            }
        }
        var unprocessed = 0L;
        var t0 = stamps.SelectMany(x => x).DefaultIfEmpty().Min(x => x.Ms);
        var worstByBucket = new SortedDictionary<long, long>();
        var sinceAck = new List<long>();
        for (var partition = 0; partition < stamps.Length; partition++)
        {
            var mine = ranges.Where(r => r.Partition == partition).ToList();
            foreach (var (offset, ms, acked) in stamps[partition])
            {
                var batch = mine.FirstOrDefault(r => offset >= r.Start && offset < r.End);
                if (batch == default)
                {
                    unprocessed++;
                    continue;
                }
                latencies.Add(batch.CommitMs - ms);
                sinceAck.Add(batch.CommitMs - acked);
                if (Trace)
                {
                    MaxInto(worstByBucket, (ms - t0) / 250, batch.CommitMs - ms);
                }
            }
        }
        if (Trace)
        {
            Console.WriteLine("worst latency: " + string.Join(" ", worstByBucket.Select(kv => $"{kv.Key * 250}:{kv.Value}")));
            lock (AckLagByBucket)
            {
                Console.WriteLine("ack lag: " + string.Join(" ", AckLagByBucket.Select(kv => $"{kv.Key * 250}:{kv.Value}")));
                AckLagByBucket.Clear();
            }
            // From the delivery report on, the broker has the record (appended, readable): what remains is the engine's
            // delay, less the report's trip back. The latency above adds the producer's and the broker's queueing.
            sinceAck.Sort();
            Console.WriteLine(sinceAck.Count == 0 ? "since ack: none" :
                $"since ack: p50 {sinceAck[sinceAck.Count / 2]} ms, p99 {sinceAck[Math.Min(sinceAck.Count - 1, (int)(0.99 * sinceAck.Count))]} ms, max {sinceAck[^1]} ms");
            var all = progress.OrderBy(p => p.BatchId).ToList();
            // The time from one batch's commit to the next batch's start: what a batch costs outside its own duration.
            var gaps = all.Skip(1).Select((p, i) => Checks.Ms(p.Timestamp) - (Checks.Ms(all[i].Timestamp) + all[i].BatchDuration)).ToList();
            Console.WriteLine($"gap between batches: mean {(gaps.Count == 0 ? 0 : gaps.Average()):F1} ms over {gaps.Count}");
            for (var i = 1; i < all.Count; i++)
            {
                var gap = Checks.Ms(all[i].Timestamp) - (Checks.Ms(all[i - 1].Timestamp) + all[i - 1].BatchDuration);
                if (gap > 30 || all[i].BatchDuration > 60)
                {
                    Console.WriteLine($"batch {all[i].BatchId} at {Checks.Ms(all[i].Timestamp) - t0} ms: gap {gap} ms, duration {all[i].BatchDuration} ms, rows {all[i].NumInputRows}");
                }
            }
        }
        latencies.Sort();
        long Pct(double q) => latencies.Count == 0 ? -1 : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        // The batches that committed once the measured records began (not a --warm-seconds run's).
        var busy = progress.Where(p => p.NumInputRows > 0 && Checks.Ms(p.Timestamp) + p.BatchDuration >= t0).ToList();
        var durations = busy.Select(p => p.BatchDuration).Order().ToList();
        var phases = string.Join(" ", busy.SelectMany(p => p.DurationMs).GroupBy(kv => kv.Key)
            .Select(g => $"{g.Key}={g.Average(kv => kv.Value):F0}"));
        return new LatencyResult(rate, achieved, trigger, sink, latencies.Count, unprocessed, busy.Count, Pct(0.5), Pct(0.99), latencies.Count == 0 ? -1 : latencies[^1],
            durations.Count == 0 ? 0 : durations.Average(), durations.Count == 0 ? 0 : durations[Math.Min(durations.Count - 1, (int)(0.99 * durations.Count))], phases);
    }

    private static void MaxInto(SortedDictionary<long, long> byBucket, long bucket, long value)
    {
        lock (byBucket)
        {
            byBucket[bucket] = Math.Max(byBucket.GetValueOrDefault(bucket), value);
        }
    }

    private static string Markdown(List<LatencyResult> results, int seconds)
    {
        var text = new System.Text.StringBuilder()
            .AppendLine($"W4-like query (purchases only) on 24 partitions; a producer (linger.ms 5, in the same process) writes for {seconds} s at each rate, " +
                "after one warm-up record per partition has been processed (agent activation and consumer connection are start-up, not latency). " +
                "Latency = the record's Kafka timestamp to the commit of its batch (progress timestamp + batchDuration).")
            .AppendLine()
            .AppendLine("| Rate (ev/s) | Achieved | Trigger | Sink | Batches | Batch mean / p99 ms | p50 ms | p99 ms | max ms | Unprocessed |")
            .AppendLine("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine($"| {r.Rate:N0} | {r.AchievedRate:N0} | {r.Trigger} | {r.Sink} | {r.Batches} | {r.MeanBatchMs:N0} / {r.P99BatchMs:N0} | {r.P50Ms:N0} | {r.P99Ms:N0} | {r.MaxMs:N0} | {r.Unprocessed:N0} |");
        }
        var target = results.Where(r => r.Rate == 50_000 && r.Trigger == "default").ToList();
        text.AppendLine().AppendLine(target.Count == 0
            ? "Target p99 <= 250 ms at 50k events/s with the default trigger: not measured in this (quick) run."
            : $"Target p99 <= 250 ms at 50k events/s with the default trigger: p99 {string.Join(", ", target.Select(r => $"{r.P99Ms:N0} ms ({r.Sink} sink)"))} " +
              $"({(target.All(r => r.P99Ms <= 250 && r.Unprocessed == 0) ? "met" : "not met")}).");
        return text.ToString();
    }
}

internal sealed record LatencyResult(int Rate, double AchievedRate, string Trigger, string Sink, long Records, long Unprocessed, int Batches, long P50Ms, long P99Ms, long MaxMs,
    double MeanBatchMs, long P99BatchMs, string MeanPhasesMs);
