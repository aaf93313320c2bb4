using Sluice.Data;
using Sluice.Connectors.Files;
using Sluice.Spec;

namespace Sluice.Tests.Sinks.Files;

/// <summary>The exactly-once protocol of the file sink, run against each format.</summary>
public abstract class FileSinkWriterContractTests : IDisposable
{
    private protected abstract FileSinkFormat Format { get; }

    private protected SinkFolder Folder { get; } = new();

    private protected FileSinkWriter NewWriter(int compactInterval = 10) => new(Folder.Path, Format, compactInterval);

    private protected string Part(long batch, int writer) => $"part-{batch:D5}-{writer:D5}.{Format.Name}";

    private static Task<FileSinkCommit> CommitAsync(FileSinkWriter writer, long batchId) =>
        writer.CommitAsync(batchId, OutputMode.Append, SinkFolder.Schema);

    [Fact]
    public async Task Commit_TwoWriters_WritesOneFilePerWriterAndAManifestEntryListingThem()
    {
        var writer = NewWriter();
        writer.Stage(0, "agent-b", SinkFolder.Rows(3, 4, 5));
        writer.Stage(0, "agent-a", SinkFolder.Rows(1, 2));

        var commit = await CommitAsync(writer, 0);

        Assert.Equal(5, commit.Rows);
        Assert.Equal([Part(0, 0), Part(0, 1)], Folder.DataFiles());
        var lines = await File.ReadAllLinesAsync(Path.Combine(Folder.LogPath, "0"));
        Assert.Equal("v1", lines[0]);
        Assert.Equal($"{{\"path\":\"{Part(0, 0)}\",\"size\":{new FileInfo(Path.Combine(Folder.Path, Part(0, 0))).Length},\"rows\":2}}", lines[1]);
        Assert.Equal(3, lines.Length);
        Assert.Equal([1L, 2, 3, 4, 5], await Folder.CommittedIdsAsync());
    }

    [Fact]
    public async Task Stage_SameWriterTwice_KeepsOnlyTheLatestRows()
    {
        var writer = NewWriter();
        writer.Stage(0, "agent-a", SinkFolder.Rows(1, 2));
        writer.Stage(0, "agent-a", SinkFolder.Rows(7));

        await CommitAsync(writer, 0);

        Assert.Equal([7L], await Folder.CommittedIdsAsync());
    }

    [Fact]
    public async Task Commit_Replayed_AddsNothingAndReturnsZero()
    {
        var writer = NewWriter();
        writer.Stage(0, "agent-a", SinkFolder.Rows(1, 2));
        await CommitAsync(writer, 0);
        var again = NewWriter();
        again.Stage(0, "agent-a", SinkFolder.Rows(1, 2));
        again.Stage(0, "agent-b", SinkFolder.Rows(3));

        var replay = await CommitAsync(again, 0);

        Assert.Same(FileSinkCommit.AlreadyCommitted, replay);
        Assert.Equal([Part(0, 0)], Folder.DataFiles());
        Assert.Equal([1L, 2], await Folder.CommittedIdsAsync());
    }

    [Fact]
    public async Task Commit_FailingBeforeTheManifest_LeavesFilesReadersIgnoreAndTheReplayCommitsOnce()
    {
        var crashing = NewWriter();
        crashing.Stage(1, "agent-a", SinkFolder.Rows(1));
        crashing.Stage(1, "agent-b", SinkFolder.Rows(2));
        crashing.Stage(1, "agent-c", SinkFolder.Rows(3));
        // A folder where the entry goes makes its creation fail after the data files are written, as a crash would.
        Directory.CreateDirectory(Path.Combine(Folder.LogPath, "1"));
        await Assert.ThrowsAnyAsync<IOException>(() => CommitAsync(crashing, 1));
        Directory.Delete(Path.Combine(Folder.LogPath, "1"));
        Assert.Equal(3, Folder.DataFiles().Count);
        Assert.Empty(Folder.CommittedFiles());

        var replay = NewWriter();
        replay.Stage(1, "agent-a", SinkFolder.Rows(1));
        replay.Stage(1, "agent-b", SinkFolder.Rows(2));
        var commit = await CommitAsync(replay, 1);
        var secondReplay = await CommitAsync(replay, 1);

        Assert.Equal(2, commit.Rows);
        Assert.Equal(0, secondReplay.Rows);
        Assert.Equal([Part(1, 0), Part(1, 1)], Folder.CommittedFiles());
        Assert.Equal([1L, 2], await Folder.CommittedIdsAsync());
    }

    [Fact]
    public async Task Commit_BatchWithNoRows_WritesAnEmptyEntrySoAReplayKnowsItIsDone()
    {
        var writer = NewWriter();

        var commit = await CommitAsync(writer, 0);
        writer.Stage(0, "agent-a", SinkFolder.Rows(1));
        var replay = await CommitAsync(NewWriter(), 0);

        Assert.Equal(0, commit.Rows);
        Assert.Equal("v1\n", await File.ReadAllTextAsync(Path.Combine(Folder.LogPath, "0")));
        Assert.Empty(Folder.DataFiles());
        Assert.Equal(0, replay.Rows);
    }

    [Theory]
    [InlineData(OutputMode.Complete, "Complete")]
    [InlineData(OutputMode.Update, "Update")]
    public async Task Commit_OtherThanAppendMode_FailsAsSparkDoes(OutputMode mode, string name)
    {
        var writer = NewWriter();
        writer.Stage(0, "agent-a", SinkFolder.Rows(1));

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => writer.CommitAsync(0, mode, SinkFolder.Schema));

        Assert.Equal($"Data source {Format.Name} does not support {name} output mode", error.Message);
        Assert.Empty(Folder.LogNames());
    }

    [Fact]
    public async Task Commit_EveryTenthBatch_CompactsTheLogAndRemovesOlderEntries()
    {
        var writer = NewWriter();
        for (long batch = 0; batch < 12; batch++)
        {
            writer.Stage(batch, "agent-a", SinkFolder.Rows(batch));
            await CommitAsync(writer, batch);
        }

        Assert.Equal(["10", "11", "9", "9.compact"], Folder.LogNames());
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), await Folder.CommittedIdsAsync());

        for (long batch = 12; batch < 20; batch++)
        {
            writer.Stage(batch, "agent-a", SinkFolder.Rows(batch));
            await CommitAsync(writer, batch);
        }
        var replayOfCompacted = await CommitAsync(NewWriter(), 3);

        Assert.Equal(["19", "19.compact"], Folder.LogNames());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), await Folder.CommittedIdsAsync());
        Assert.Equal(0, replayOfCompacted.Rows);
    }

    [Fact]
    public async Task Commit_ReplayOfACompactionBatch_FinishesACompactionCutShort()
    {
        // Batches committed without compacting: the state a failure between entry 2 and its compact file leaves.
        var cutShort = NewWriter(compactInterval: 100);
        for (long batch = 0; batch < 3; batch++)
        {
            cutShort.Stage(batch, "agent-a", SinkFolder.Rows(batch));
            await CommitAsync(cutShort, batch);
        }

        var replay = await CommitAsync(NewWriter(compactInterval: 3), 2);

        Assert.Equal(0, replay.Rows);
        Assert.Equal(["2", "2.compact"], Folder.LogNames());
        Assert.Equal([0L, 1, 2], await Folder.CommittedIdsAsync());
    }

    public void Dispose()
    {
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
