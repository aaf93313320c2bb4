using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.Contracts;

namespace Sluice.Tests.Checkpointing.Blob;

public sealed class CheckpointLocationsTests(AzuriteContainer azurite) : IClassFixture<AzuriteContainer>, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Open_AnAzblobLocation_IsABlobStoreAtItsPrefix()
    {
        var store = CheckpointLocations.Open($"azblob://{azurite.Client.Name}/checkpoints/revenue/", azurite.Options);

        Assert.IsType<BlobCheckpointStore>(store);
        Assert.Equal($"azblob://devstoreaccount1/{azurite.Client.Name}/checkpoints/revenue", store.Location);
    }

    [Fact]
    public async Task Open_AnAzblobLocation_ReadsAndWritesThatContainer()
    {
        var store = CheckpointLocations.Open($"azblob://{azurite.Client.Name}/opened", azurite.Options);

        Assert.True(await store.TryCreateAsync("metadata", "{}"));

        Assert.True(await azurite.Client.GetBlobClient("opened/metadata").ExistsAsync());
    }

    [Fact]
    public void Open_AnythingElse_IsAFolder()
    {
        var store = CheckpointLocations.Open(_folder, new BlobCheckpointOptions());

        Assert.IsType<FolderCheckpointStore>(store);
        Assert.Equal(_folder, store.Location);
    }

    [Fact]
    public void Open_AnAzblobLocationWithoutAConnectionString_SaysWhatToSet()
    {
        var error = Assert.Throws<QueryStartException>(() => CheckpointLocations.Open("azblob://checkpoints/revenue", new BlobCheckpointOptions()));

        Assert.Contains("'azblob://checkpoints/revenue' is in Azure Blob Storage, but no storage account is configured: set Sluice:Blob:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithAMalformedConnectionString_SaysSoWithoutEchoingIt()
    {
        var error = Assert.Throws<QueryStartException>(() => CheckpointLocations.Open("azblob://checkpoints/q", new BlobCheckpointOptions { ConnectionString = "AccountKey=secret-ish" }));

        Assert.StartsWith("Sluice:Blob:ConnectionString is not a storage connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-ish", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azblob://Checkpoints/q", "'Checkpoints' is not a valid container name")]
    [InlineData("azblob://ab/q", "'ab' is not a valid container name")]
    [InlineData("azblob://a--b/q", "'a--b' is not a valid container name")]
    [InlineData("azblob:///q", "'' is not a valid container name")]
    [InlineData("azblob://checkpoints/a//b", "the prefix 'a//b' has an empty, '.' or '..' segment")]
    [InlineData("azblob://checkpoints/a/../b", "the prefix 'a/../b' has an empty, '.' or '..' segment")]
    public void Parse_AMalformedLocation_ShowsTheProblemAndTheForm(string location, string problem)
    {
        var error = Assert.Throws<QueryStartException>(() => BlobLocation.Parse(location));

        Assert.StartsWith($"Checkpoint location '{location}' is not a blob location: {problem}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Write it as azblob://<container>/<prefix>, e.g. azblob://checkpoints/revenue.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azblob://checkpoints", "checkpoints", "")]
    [InlineData("azblob://checkpoints/revenue", "checkpoints", "revenue")]
    [InlineData("AZBLOB://sluice-1/a/b/c/", "sluice-1", "a/b/c")]
    public void Parse_AWellFormedLocation_GivesContainerAndPrefix(string location, string container, string prefix)
    {
        Assert.Equal(new BlobLocation(container, prefix), BlobLocation.Parse(location));
    }

    [Fact]
    public void Resolve_KeepsABlobLocationAndPutsAFolderUnderTheRoot()
    {
        Assert.Equal("azblob://checkpoints/revenue", CheckpointLocations.Resolve("/var/sluice", "azblob://checkpoints/revenue"));
        Assert.Equal(Path.GetFullPath("/var/sluice/revenue"), CheckpointLocations.Resolve("/var/sluice", "revenue"));
    }

    [Fact]
    public async Task Lock_AFolder_IsTheFolderLock()
    {
        using var held = await CheckpointLocations.LockAsync(_folder, "revenue", new BlobCheckpointOptions());

        Assert.IsType<CheckpointLock>(held);
        await Assert.ThrowsAsync<QueryStartException>(() => CheckpointLocations.LockAsync(_folder, "other", new BlobCheckpointOptions()));
    }

    [Fact]
    public async Task Lock_AnAzblobLocation_IsALeaseThatExcludesASecondQuery()
    {
        var location = $"azblob://{azurite.Client.Name}/locked";
        using (var held = await CheckpointLocations.LockAsync(location, "revenue", azurite.Options))
        {
            Assert.IsType<BlobCheckpointLock>(held);
            var error = await Assert.ThrowsAsync<QueryStartException>(() => CheckpointLocations.LockAsync(location, "other", azurite.Options));
            Assert.Contains("(query 'revenue'", error.Message, StringComparison.Ordinal);
        }

        using var again = await CheckpointLocations.LockAsync(location, "other", azurite.Options);
    }

    [Fact]
    public void Open_WithALeaseOutsideAzuresLimits_SaysTheRange()
    {
        var options = new BlobCheckpointOptions { ConnectionString = AzuriteContainer.ConnectionString, LeaseDuration = TimeSpan.FromSeconds(90) };

        var error = Assert.Throws<QueryStartException>(() => CheckpointLocations.Open("azblob://checkpoints/q", options));

        Assert.Equal("Sluice:Blob:LeaseDuration is 90 s; blob leases last 15 to 60 seconds: set it within that range (default 00:00:30).", error.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
