using Sluice.Client;

namespace Sluice.IntegrationTests;

/// <summary>A stateful query whose checkpoint (logs and state) lives in Azure Blob Storage (Azurite here).</summary>
[Collection(SiloCollection.Name)]
public sealed class BlobCheckpointTests(SiloFixture silo)
{
    [Fact]
    public async Task BlobCheckpoint_StatefulQuery_ResumesAcrossARestart()
    {
        var source = "blob-" + Guid.NewGuid().ToString("N")[..6];
        var name = "blob_" + Guid.NewGuid().ToString("N")[..8];
        DataStreamWriter Counts() => silo.Client.ReadStream().Memory(source).Schema(("word", "string")).Load()
            .GroupBy(["word"], ["count(*) AS n"]).WriteStream().OutputMode("complete").Trigger(Trigger.Manual())
            .CheckpointLocation($"azblob://{SiloFixture.BlobContainer}/{name}");
        var first = await Counts().StartAsync(name);
        await silo.Client.AddDataAsync(source, new { word = "cat" }, new { word = "dog" }, new { word = "cat" });
        await first.ProcessAllAvailableAsync();
        await first.StopAsync();

        var second = await Counts().StartAsync(name);
        await silo.Client.AddDataAsync(source, new { word = "cat" });
        await second.ProcessAllAvailableAsync();
        await second.StopAsync();

        var rows = await silo.Client.ReadMemorySinkJsonAsync(name);
        Assert.Equal([("cat", 3L), ("dog", 1L)], rows.Select(r => (r["word"]!.GetValue<string>(), r["n"]!.GetValue<long>())).Order());
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, (await second.RecentProgressAsync())[0].BatchId);
    }
}
