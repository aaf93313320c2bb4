using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sluice.Cli.Scenarios;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Bench;

/// <summary>
/// One million keys under processing-time timeouts: batch 1 (clock 1 s) gives every key state and a timeout at 11 s;
/// a batch at 10.5 s must fire none; the batch at 12 s must fire exactly all of them, from the key groups' timer
/// indexes (one reminder per key group at most, never one per key). Reports batch times and memory.
/// </summary>
internal static class TimerStress
{
    public static async Task<int> RunAsync(string[] args)
    {
        var keys = (int)Options.Long(args, "--keys", 1_000_000);
        var keyGroups = (int)Options.Long(args, "--key-groups", 8);
        await using var silo = await ScenarioSilo.StartAsync();
        var client = silo.Client;
        var spec = new QuerySpec
        {
            Name = "timer_stress",
            Source = new SourceSpec { Kind = "memory", Name = "timer_stress_input", Schema = [new("key", "string")] },
            Operators = [new GroupsWithStateSpec(true, ["key"], "RunningCountWithProcessingTimeout", "processingTime", OutputMode.Update)],
            Sink = new SinkSpec { Kind = "memory" },
            OutputMode = OutputMode.Update,
            Trigger = TriggerSpec.Manual,
            CheckpointLocation = "timer-stress-" + Guid.NewGuid().ToString("N"),
            Options = new Dictionary<string, string> { ["keyGroups"] = keyGroups.ToString(CultureInfo.InvariantCulture) },
        };
        var query = await client.StartAsync(spec);
        for (var from = 0; from < keys; from += 100_000)
        {
            var chunk = Enumerable.Range(from, Math.Min(100_000, keys - from)).Select(i => $"{{\"key\":\"k{i}\"}}").ToArray();
            await client.AddDataAsync("timer_stress_input", chunk);
        }

        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var load = await TimedAsync(query.ProcessAllAvailableAsync);
        var afterLoad = Snapshot();
        var loadState = (await query.LastProgressAsync())!.StateOperators[0];

        silo.Clock.Advance(TimeSpan.FromSeconds(9.5));
        var early = await TimedAsync(query.ProcessAllAvailableAsync);
        var rowsBefore = (await client.ReadMemorySinkAsync(spec.Name)).Rows.Count;

        silo.Clock.Advance(TimeSpan.FromSeconds(1.5));
        var fire = await TimedAsync(query.ProcessAllAvailableAsync);
        var sink = await client.ReadMemorySinkAsync(spec.Name);
        var fired = sink.Rows.Skip(rowsBefore).Count(r => (string?)r[1] == "-1");
        var fireProgress = (await query.LastProgressAsync())!;
        var batches = await query.RecentProgressAsync();
        await query.StopAsync();

        var result = new
        {
            machine = Machine.Describe(),
            keys,
            keyGroups,
            loadBatchMs = load,
            loadBatchDurationMs = batches.First().BatchDuration,
            stateRowsAfterLoad = loadState.NumRowsTotal,
            stateMemoryBytesAfterLoad = loadState.MemoryUsedBytes,
            earlyCheckMs = early,
            timeoutsFiredEarly = rowsBefore - keys,
            fireBatchMs = fire,
            fireBatchDurationMs = fireProgress.BatchDuration,
            fireBatchId = fireProgress.BatchId,
            timeoutsFired = fired,
            stateRowsAfterFire = fireProgress.StateOperators[0].NumRowsTotal,
            peakWorkingSetMb = afterLoad.PeakMb,
            reminders = $"at most one per key group ({keyGroups}), registered while the group has pending timers",
        };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        var file = Path.Combine(Machine.ResultsFolder(), $"timers-{DateTime.UtcNow:yyyy-MM-dd}.json");
        await File.WriteAllTextAsync(file, json);
        Console.WriteLine($"wrote {file}");
        var ok = fired == keys && rowsBefore == keys && fireProgress.StateOperators[0].NumRowsTotal == 0;
        Console.WriteLine(ok ? "OK: every timeout fired in the batch at 12 s, none earlier" : "FAILED: timeouts did not fire as expected");
        return ok ? 0 : 1;
    }

    private static async Task<long> TimedAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.ElapsedMilliseconds;
    }

    private static (long PeakMb, long NowMb) Snapshot()
    {
        using var process = Process.GetCurrentProcess();
        return (process.PeakWorkingSet64 >> 20, process.WorkingSet64 >> 20);
    }
}
