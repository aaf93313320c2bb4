using Sluice.Client;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class FileSinkTests(SiloFixture silo)
{
    [Theory]
    [InlineData("parquet")]
    [InlineData("json")]
    public async Task FileSink_WindowedCounts_AreReadBackOnceEvenAfterAReplay(string format)
    {
        var source = "fs-" + Guid.NewGuid().ToString("N")[..6];
        var name = "files_" + format + Guid.NewGuid().ToString("N")[..6];
        var output = Path.Combine(silo.CheckpointRoot, "out", name);
        DataStreamWriter Query() => silo.Client.ReadStream().Memory(source).Schema(("user", "string"), ("ts", "timestamp")).Load()
            .WithWatermark("ts", "5 seconds")
            .GroupBy(["window(ts, '10 seconds') AS window", "user"], ["count(*) AS n"])
            .WriteStream().Format(format).Option("path", output).OutputMode("append").Trigger(Trigger.Manual()).CheckpointLocation(name);
        var first = await Query().StartAsync(name);
        await silo.Client.AddDataAsync(source, new { user = "a", ts = "1970-01-01T00:00:01Z" }, new { user = "b", ts = "1970-01-01T00:00:02Z" }, new { user = "a", ts = "1970-01-01T00:00:03Z" });
        await first.ProcessAllAvailableAsync();
        await silo.Client.AddDataAsync(source, new { user = "a", ts = "1970-01-01T00:00:30Z" });
        await first.ProcessAllAvailableAsync();
        await first.StopAsync();
        var last = Directory.GetFiles(Path.Combine(silo.CheckpointRoot, name, "commits")).Select(f => long.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).Max();

        // As if the silo died after the sink's manifest entry for the last batch but before its commits/N.
        File.Delete(Path.Combine(silo.CheckpointRoot, name, "commits", last.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var second = await Query().StartAsync(name);
        await second.ProcessAllAvailableAsync();
        await second.StopAsync();

        var rows = await FileSinkReader.ReadRowsAsync(output);
        Assert.Equal([("a", 2L), ("b", 1L)], rows.Select(r => (r["user"]!.GetValue<string>(), r["n"]!.GetValue<long>())).Order());
        Assert.All(rows, r => Assert.Equal("1970-01-01T00:00:00Z", r["window"]!["start"]!.GetValue<string>()));
        Assert.True(Directory.Exists(Path.Combine(output, "_sluice_sink")));
    }
}
