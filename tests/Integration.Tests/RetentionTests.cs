using Sluice.Cli;
using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

/// <summary>
/// Checkpoints stay bounded (Spark's minBatchesToRetain): a stateful query runs 3,000 one-row batches with the default
/// retention, its checkpoint keeps the last 100 batches and stops growing, and a restart after that recovers exactly.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class RetentionTests(SiloFixture silo)
{
    private const int Keys = 5;

    /// <summary>Files a key group may hold beyond its steady count while a background snapshot is in flight: two intervals of 10 changelogs and a snapshot each.</summary>
    private const int Slack = 22;

    /// <summary>count(*) per key in update mode, one input row per batch: the output of key k is 1, 2, 3, ... in order.</summary>
    private DataStreamWriter Counts(string source, string name) =>
        silo.Client.ReadStream().Memory(source).Schema(("id", "int"), ("key", "string")).MaxOffsetsPerTrigger(1).Load()
            .GroupBy(["key"], ["count(*) AS n"])
            .WriteStream().OutputMode("update").Trigger(Trigger.AvailableNow()).Option("keyGroups", "2").CheckpointLocation(name);

    private async Task RunAsync(string source, string name, int from, int count)
    {
        await silo.Client.AddDataAsync(source, [.. Enumerable.Range(from, count).Select(i => (object)new { id = i, key = $"k{i % Keys}" })]);
        var query = await Counts(source, name).StartAsync(name);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await query.AwaitTerminationAsync(limit.Token);
        Assert.Equal(QueryState.Completed, (await query.StatusAsync()).State);
    }

    private static List<long> LogIds(string path, string log) =>
        [.. Directory.GetFiles(Path.Combine(path, log)).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => long.Parse(n!, System.Globalization.CultureInfo.InvariantCulture)).Order()];

    private static (int Files, long Bytes, Dictionary<string, int> PerFolder) Measure(string path)
    {
        var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        var perFolder = files.GroupBy(f => Path.GetRelativePath(path, Path.GetDirectoryName(f)!)).ToDictionary(g => g.Key, g => g.Count());
        return (files.Count, files.Sum(f => new FileInfo(f).Length), perFolder);
    }

    /// <summary>The folders with more files in <paramref name="after"/> than in <paramref name="before"/>, for a failure's message.</summary>
    private static string Grown(Dictionary<string, int> before, Dictionary<string, int> after) =>
        string.Join(", ", after.Where(kv => kv.Value > before.GetValueOrDefault(kv.Key)).Select(kv => $"{kv.Key} {before.GetValueOrDefault(kv.Key)} -> {kv.Value}"));

    [Fact]
    public async Task ThreeThousandBatches_WithTheDefaultRetention_KeepTheLast100_StopGrowing_AndARestartRecoversExactly()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (source, name) = ("retention-" + id, "retention_" + id);
        var path = Path.Combine(silo.CheckpointRoot, name);

        await RunAsync(source, name, 0, 1500);
        var half = Measure(path);
        await RunAsync(source, name, 1500, 1500);
        var full = Measure(path);

        Assert.Equal(Enumerable.Range(2900, 100).Select(i => (long)i), LogIds(path, "offsets"));
        Assert.Equal(Enumerable.Range(2900, 100).Select(i => (long)i), LogIds(path, "commits"));
        // Snapshots are written in the background, and only a written one lets the purge go: when a measure falls, each
        // key group holds up to about two snapshot intervals of changelogs (and their snapshots) more or less than at the
        // other. Unbounded, 1,500 more batches would add some 3,000 files.
        Assert.True(full.Files <= half.Files + 2 * Slack && full.Bytes <= half.Bytes * 1.25,
            $"the checkpoint grew from {half.Files} files ({half.Bytes} bytes) after 1,500 batches to {full.Files} files ({full.Bytes} bytes) after 3,000: {Grown(half.PerFolder, full.PerFolder)}");
        foreach (var group in Directory.GetDirectories(Path.Combine(path, "state", "0")))
        {
            // 100 versions restorable, with snapshots every 10: 100 changelogs, those back to the snapshot before them,
            // those since the last snapshot written (a commit an interval past the one in flight waits for it), and snapshots.
            Assert.InRange(Directory.GetFiles(group).Length, 100, 120 + Slack);
        }
        var output = new StringWriter();
        var (oldOut, code) = (Console.Out, 0);
        Console.SetOut(output);
        try
        {
            code = await SluiceCli.Build().Parse(["checkpoint", "inspect", path]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(oldOut);
        }
        Assert.Equal(0, code);
        Assert.Contains("retained    batches 2900..2999 (batches before 2900 were purged)", output.ToString(), StringComparison.Ordinal);

        // A new run on the purged checkpoint: state, offsets and sink go on as if nothing had been deleted.
        await RunAsync(source, name, 3000, 100);

        var rows = (await silo.Client.ReadMemorySinkJsonAsync(name)).Select(r => (r["key"]!.GetValue<string>(), r["n"]!.GetValue<long>())).Order().ToList();
        var expected = Enumerable.Range(0, Keys).SelectMany(k => Enumerable.Range(1, 3100 / Keys).Select(n => ($"k{k}", (long)n))).Order().ToList();
        Assert.Equal(expected, rows);
        Assert.Equal(Enumerable.Range(3000, 100).Select(i => (long)i), LogIds(path, "offsets"));
    }
}
