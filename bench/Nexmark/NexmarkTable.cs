using System.Text;
using Sluice.Connectors.Nexmark;

namespace Sluice.Bench.Nexmark;

/// <summary>The BENCHMARKS.md table: Sluice's figures beside the published per-core ones.</summary>
internal static class NexmarkTable
{
    /// <summary>Flink 1.13, RocksDB state, exactly-once checkpoints: the nexmark project's README (events/s per core).</summary>
    private static readonly Dictionary<string, double> Flink = new() { ["q5"] = 22_100, ["q7"] = 12_300, ["q8"] = 146_000, ["q8-all"] = 146_000 };

    /// <summary>Feldera on 16 cores: its benchmark README (events/s over 16 cores; per core = / 16).</summary>
    private static readonly Dictionary<string, double> Feldera = new() { ["q5"] = 6_590_000, ["q7"] = 3_140_000, ["q8"] = 6_640_000, ["q8-all"] = 6_640_000 };

    public static string Markdown(IReadOnlyList<NexmarkResult> results, NexmarkConfig config, long batch)
    {
        var cores = Environment.ProcessorCount;
        var text = new StringBuilder()
            .AppendLine($"{config.Events:N0} events of the `nexmark` source ({config.Partitions} partitions, {config.EventsPerSecond:N0} events per second of event time, " +
                $"so 100 s of event time), availableNow in batches of {batch:N0}, engine alone (one silo in the benchmark's process, no broker), " +
                $"output to a counting foreachBatch handler. Per core = events/s / {cores} cores (the whole machine, which other engineers' builds shared during the run). " +
                "Peak working set = the whole process's, sampled every 100 ms while the query ran (it includes heap that earlier queries left). " +
                "A dash in a published column: no figure quoted for that query.")
            .AppendLine()
            .AppendLine("| Query | Sluice events/s | Sluice per core | Flink 1.13 per core | Feldera per core (16 cores) | Peak working set | State rows at end | Output rows | Check |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var flink = Flink.TryGetValue(r.Query, out var f) ? $"{f:N0}" : "—";
            var feldera = Feldera.TryGetValue(r.Query, out var d) ? $"{d / 16:N0} ({d:N0} total)" : "—";
            text.AppendLine(r.Ran
                ? $"| {r.Query} | {r.EventsPerSecond:N0} | {r.EventsPerSecondPerCore:N0} | {flink} | {feldera} | {r.PeakWorkingSetMb:N0} MB | {r.StateRows:N0} | {r.OutputRows:N0} | {r.Check} |"
                : $"| {r.Query} | — | — | {flink} | {feldera} | — | — | — | {r.Check.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }
        return text.ToString();
    }
}
