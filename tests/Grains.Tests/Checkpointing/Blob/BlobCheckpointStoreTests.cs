using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Sluice.Checkpointing.Blob;

namespace Sluice.Tests.Checkpointing.Blob;

public sealed class BlobCheckpointStoreTests(AzuriteContainer azurite) : IClassFixture<AzuriteContainer>
{
    [Fact]
    public async Task TryCreate_ManyRacesOfFourWriters_ExactlyOneWinsEachAndItsContentStays()
    {
        var prefix = AzuriteContainer.NewPrefix();
        // Each writer has its own client, as coordinators on different silos would.
        var writers = Enumerable.Range(0, 4)
            .Select(_ => new BlobCheckpointStore(new BlobServiceClient(AzuriteContainer.ConnectionString).GetBlobContainerClient(azurite.Client.Name), prefix))
            .ToArray();

        for (var batch = 0; batch < 50; batch++)
        {
            var path = $"commits/{batch}";
            var results = await Task.WhenAll(writers.Select((w, i) => Task.Run(() => w.TryCreateAsync(path, $"v1\nwriter {i}\n"))));

            var winner = Assert.Single(Enumerable.Range(0, writers.Length), i => results[i]);
            Assert.Equal($"v1\nwriter {winner}\n", await writers[(winner + 1) % writers.Length].ReadAsync(path));
        }
    }

    [Fact]
    public async Task TryCreate_WhoseResponseWasLostAndRetried_StillReportsItsOwnWrite()
    {
        var options = new BlobClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(10) } };
        options.AddPolicy(new LoseFirstResponse(), HttpPipelinePosition.PerRetry);
        var container = new BlobServiceClient(AzuriteContainer.ConnectionString, options).GetBlobContainerClient(azurite.Client.Name);
        var store = new BlobCheckpointStore(container, AzuriteContainer.NewPrefix());

        // The upload succeeded but its answer was lost; the SDK's retry then finds the blob there.
        Assert.True(await store.TryCreateAsync("commits/0", "v1\n{}"));
        Assert.False(await store.TryCreateAsync("commits/0", "v1\n{}"));
    }

    /// <summary>Sends the first request, then fails as if the connection dropped before the response arrived.</summary>
    private sealed class LoseFirstResponse : HttpPipelinePolicy
    {
        private int _calls;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (Interlocked.Increment(ref _calls) == 1)
            {
                throw new IOException("connection reset after the request was sent");
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the store only makes async calls");
    }

    [Fact]
    public async Task TryCreate_OfAnExistingFile_ReturnsFalseAndKeepsTheFirstBytes()
    {
        var store = azurite.NewStore();

        Assert.True(await store.TryCreateBytesAsync("state/1/0/0.delta", new byte[] { 1, 2, 3 }));
        Assert.False(await store.TryCreateBytesAsync("state/1/0/0.delta", new byte[] { 9 }));

        Assert.Equal([1, 2, 3], await store.ReadBytesAsync("state/1/0/0.delta"));
    }

    [Fact]
    public async Task TryCreate_InAContainerThatDoesNotExistYet_CreatesIt()
    {
        var container = azurite.NewContainer();
        var store = new BlobCheckpointStore(container, "q");

        Assert.Null(await store.ReadAsync("metadata"));
        Assert.Empty(await store.ListAsync("offsets"));
        Assert.True(await store.TryCreateAsync("metadata", "{\"id\":\"x\"}"));

        Assert.Equal("{\"id\":\"x\"}", await store.ReadAsync("metadata"));
        Assert.True(await container.ExistsAsync());
    }

    [Fact]
    public async Task List_ManyFiles_GivesTheNamesDirectlyUnderTheDirectoryOnly()
    {
        var store = azurite.NewStore();
        var expected = Enumerable.Range(0, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await Parallel.ForEachAsync(expected, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (name, ct) => Assert.True(await store.TryCreateAsync($"offsets/{name}", "v1\n{}", ct)));
        await store.TryCreateAsync("offsets/.0.tmp", "hidden");
        await store.TryCreateAsync("offsets/nested/0", "a deeper file");
        await store.TryCreateAsync("offsets2/0", "a sibling whose name starts the same");
        await store.TryCreateAsync("offsetsfile", "a file beside the directory");
        await store.TryCreateAsync("metadata", "{}");
        await store.TryCreateAsync(".lock", "");

        var names = await store.ListAsync("offsets");
        var root = await store.ListAsync("");

        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(["metadata", "offsetsfile"], root.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delete_RemovesTheFileAndIgnoresAMissingOne()
    {
        var store = azurite.NewStore();
        await store.TryCreateAsync("commits/0", "v1\n{}");

        await store.DeleteAsync("commits/0");
        await store.DeleteAsync("commits/0");
        await store.DeleteAsync("never/written");

        Assert.Null(await store.ReadAsync("commits/0"));
        Assert.Empty(await store.ListAsync("commits"));
    }

    [Fact]
    public async Task Read_OfAMissingFile_IsNull()
    {
        var store = azurite.NewStore();

        Assert.Null(await store.ReadAsync("offsets/0"));
        Assert.Null(await store.ReadBytesAsync("state/1/0/0.snapshot"));
    }

    [Fact]
    public async Task Read_GivesTheBytesWritten()
    {
        var store = azurite.NewStore();
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);

        await store.TryCreateBytesAsync("state/0/1/4.snapshot", bytes);

        await store.TryCreateAsync("sources/0/0", "v1\n{\"caf\u00e9\":1}\n");

        Assert.Equal(bytes, await store.ReadBytesAsync("state/0/1/4.snapshot"));
        Assert.Equal("v1\n{\"caf\u00e9\":1}\n", await store.ReadAsync("sources/0/0"));
    }

    [Fact]
    public void Location_NamesAccountContainerAndPrefix()
    {
        var store = new BlobCheckpointStore(azurite.Client, "/checkpoints/revenue/");

        Assert.Equal($"azblob://devstoreaccount1/{azurite.Client.Name}/checkpoints/revenue", store.Location);
        Assert.Equal($"azblob://devstoreaccount1/{azurite.Client.Name}", new BlobCheckpointStore(azurite.Client, "").Location);
    }

    [Fact]
    public async Task AnyCall_WhenTheAccountDoesNotAnswer_FailsNamingTheEndpointAndAzurite()
    {
        var endpoint = $"http://127.0.0.1:{ClosedPort()}/devstoreaccount1";
        var store = UnreachableStore(endpoint, "checkpoints", "q");

        var error = await Assert.ThrowsAsync<IOException>(() => store.ReadAsync("metadata"));

        Assert.Contains($"Cannot reach the blob endpoint {endpoint}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Azurite does not seem to be running there: start it with scripts/azurite.sh", error.Message, StringComparison.Ordinal);
        Assert.Contains("azblob://devstoreaccount1/checkpoints/q", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A store on an endpoint nothing answers, retrying once at once (the SDK's default backoff takes about 25 s).</summary>
    internal static BlobCheckpointStore UnreachableStore(string endpoint, string container, string prefix)
    {
        var connection = AzuriteContainer.DevelopmentConnectionString.Replace("http://127.0.0.1:10000/devstoreaccount1", endpoint, StringComparison.Ordinal);
        var options = new BlobClientOptions { Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) } };
        return new BlobCheckpointStore(new BlobServiceClient(connection, options).GetBlobContainerClient(container), prefix);
    }

    /// <summary>A port nothing listens on: one the OS just handed out and took back.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
