using Xunit.Abstractions;
using Azure.Storage.Blobs.Models;
namespace Sluice.Tests.Checkpointing.Blob;
public sealed class ProbeTmpBlob(AzuriteContainer azurite, ITestOutputHelper output) : IClassFixture<AzuriteContainer>
{
    [Fact]
    public async Task Probe()
    {
        var store = azurite.NewStore();
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) => await store.TryCreateAsync("offsets/" + i, "x", ct));
        foreach (var n in new[] { "offsets/.0.tmp", "offsets/nested/0", "offsets2/0", "offsetsfile", "metadata", ".lock" })
        {
            await store.TryCreateAsync(n, "x");
        }
        var p = store.Blob("metadata").Name[..^"metadata".Length]; output.WriteLine("prefix " + p);
        await foreach (var item in azurite.Client.GetBlobsAsync(new GetBlobsOptions { Prefix = p }))
        {
            
        }
        await foreach (var item in azurite.Client.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = p, Delimiter = "/" }))
        {
            output.WriteLine("hier " + (item.IsBlob ? "blob " + item.Blob.Name : "prefix " + item.Prefix));
        }
    }
}
