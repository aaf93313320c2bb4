using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Sluice.Client;
using Sluice.Contracts;

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

    [Fact]
    public async Task LostLease_StopsTheQueryWithAnErrorNamingTheCheckpoint()
    {
        var source = "lease-" + Guid.NewGuid().ToString("N")[..6];
        var name = "lease_" + Guid.NewGuid().ToString("N")[..8];
        var query = await silo.Client.ReadStream().Memory(source).Schema(("word", "string")).Load()
            .WriteStream().Trigger(Trigger.Manual()).CheckpointLocation($"azblob://sluice-it/{name}").StartAsync(name);
        await silo.Client.AddDataAsync(source, new { word = "cat" });
        await query.ProcessAllAvailableAsync();

        // Another process breaks the lease (as a silo cut off past the lease would find it): the query must stop writing.
        var lockBlob = new BlobServiceClient(SiloFixture.AzuriteConnectionString).GetBlobContainerClient("sluice-it").GetBlobClient($"{name}/.lock");
        await lockBlob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);

        // The lease (default 30 s) is renewed every 10 s: the next renewal finds it broken. Each wait stays under the
        // grain call timeout (30 s).
        StreamingQueryException? e = null;
        for (var wait = 0; wait < 3 && e is null; wait++)
        {
            e = await Record.ExceptionAsync(() => query.AwaitTerminationAsync(TimeSpan.FromSeconds(20))) as StreamingQueryException;
        }
        Assert.NotNull(e);
        Assert.Contains("The query lost its lock on checkpoint azblob://", e.Message, StringComparison.Ordinal);
        Assert.Contains($"/sluice-it/{name} (its lease could not be renewed: LeaseIsBrokenAndCannotBeRenewed;", e.Message, StringComparison.Ordinal);
        Assert.Equal(QueryState.Failed, (await query.StatusAsync()).State);
    }
}
