using System.Globalization;
using Sluice.Client;
using Sluice.Spec;
using Sluice.Tests.Connectors;

namespace Sluice.IntegrationTests;

/// <summary>
/// The files source and the Delta sink end to end on the in-process silo, with restarts (Spark's FileStreamSourceSuite
/// "restart" cases): each file's rows reach the sink once, and a new run takes only files it has not taken.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class FilesSourceQueryTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Name() => "f" + Guid.NewGuid().ToString("N")[..10];

    private static void AddFile(string folder, string name, params int[] ids)
    {
        Directory.CreateDirectory(folder);
        // The rename-into-place contract: a hidden name while being written, the final name once complete.
        var temp = Path.Combine(folder, "." + name + ".tmp");
        File.WriteAllLines(temp, ids.Select(i => $"{{\"id\": {i}, \"word\": \"w{i}\"}}"));
        File.Move(temp, Path.Combine(folder, name));
    }

    private static QuerySpec Spec(string name, string input, string sink, string extra = "") => SpecReader.Read($$$"""
        {"name": "{{{name}}}",
         "source": {"kind": "files", "path": "{{{input}}}", "format": "json", "schema": {"id": "int", "word": "string"}, "maxFilesPerTrigger": 1{{{extra}}}},
         "sink": {{{sink}}},
         "trigger": {"availableNow": true}}
        """);

    private async Task<StreamingQuery> RunAsync(QuerySpec spec)
    {
        var query = await Client.StartAsync(spec);
        await query.AwaitTerminationAsync();
        return query;
    }

    private async Task<List<int>> MemoryIdsAsync(string name) =>
        (await Client.ReadMemorySinkAsync(name)).Rows.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)).Order().ToList();

    [Fact]
    public async Task FilesSource_Restart_TakesOnlyNewFiles_EachRowOnce()
    {
        var name = Name();
        var input = Path.Combine(silo.CheckpointRoot, name + "-in");
        AddFile(input, "a.json", 1, 2);
        AddFile(input, "b.json", 3);
        var spec = Spec(name, input, """{"kind": "memory"}""", """, "cleanSource": "delete" """);

        var first = await RunAsync(spec);
        Assert.Equal([1, 2, 3], await MemoryIdsAsync(name));
        Assert.Equal(2, (await first.RecentProgressAsync()).Count(p => p.NumInputRows > 0));

        AddFile(input, "c.json", 4, 5);
        var second = await RunAsync(spec);

        Assert.Equal([1, 2, 3, 4, 5], await MemoryIdsAsync(name));
        Assert.Equal([2L], (await second.RecentProgressAsync()).Where(p => p.NumInputRows > 0).Select(p => p.NumInputRows));
        Assert.StartsWith("FileStreamSource[", (await second.RecentProgressAsync())[0].Sources[0].Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(input), f => !Path.GetFileName(f).StartsWith('.'));
    }

    [Fact]
    public async Task FilesToDelta_ReplayAfterCrashBeforeCommitLog_AddsNothing()
    {
        var name = Name();
        var input = Path.Combine(silo.CheckpointRoot, name + "-in");
        var table = Path.Combine(silo.CheckpointRoot, name + "-delta");
        AddFile(input, "a.json", 1, 2);
        AddFile(input, "b.json", 3);
        var spec = Spec(name, input, $$$"""{"kind": "delta", "path": "{{{table}}}"}""");
        await RunAsync(spec);

        // As if the silo died after the Delta commit of batch 1 but before commits/1: the batch re-runs, reading the
        // same file, and the table's txn action shows it is done.
        File.Delete(Path.Combine(silo.CheckpointRoot, name, "commits", "1"));
        AddFile(input, "c.json", 4);
        await RunAsync(spec);

        var rows = await DeltaTestReader.ReadAsync(table);
        Assert.Equal([1, 2, 3, 4], rows.Select(r => Convert.ToInt32(r["id"], CultureInfo.InvariantCulture)).Order());
    }
}
