using Sluice.Checkpointing;
using Sluice.Contracts;

namespace Sluice.Tests.Checkpointing;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Metadata_NewCheckpoint_GetsAnIdThatSurvivesReopening()
    {
        var (created, isNew) = await new Checkpoint(new FolderCheckpointStore(_folder)).LoadOrCreateMetadataAsync("q", 200);
        var (reopened, isNewAgain) = await new Checkpoint(new FolderCheckpointStore(_folder)).LoadOrCreateMetadataAsync("q", 50);

        Assert.True(isNew);
        Assert.False(isNewAgain);
        Assert.Equal(created.Id, reopened.Id);
        Assert.Equal(200, reopened.KeyGroups);
    }

    [Fact]
    public async Task Metadata_Garbage_IsCorrupt()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "metadata"), "v1\n{\"id\": 12");

        await Assert.ThrowsAsync<CheckpointCorruptException>(() => new Checkpoint(new FolderCheckpointStore(_folder)).LoadOrCreateMetadataAsync("q", 200));
    }

    [Fact]
    public void Lock_SecondHolder_FailsNamingTheOwner()
    {
        using var first = CheckpointLock.Acquire(_folder, "first-query");

        var e = Assert.Throws<QueryStartException>(() => CheckpointLock.Acquire(_folder, "second-query"));

        Assert.Contains("in use by a running query", e.Message, StringComparison.Ordinal);
        Assert.Contains("first-query", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lock_AfterRelease_CanBeTakenAgain()
    {
        CheckpointLock.Acquire(_folder, "first").Dispose();

        using var again = CheckpointLock.Acquire(_folder, "second");
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
