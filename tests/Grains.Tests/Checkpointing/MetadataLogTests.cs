using Sluice.Checkpointing;

namespace Sluice.Tests.Checkpointing;

/// <summary>The metadata-log contract, run against each checkpoint store.</summary>
public abstract class MetadataLogContractTests : IDisposable
{
    private protected abstract ICheckpointStore CreateStore();

    private protected ICheckpointStore Store => _store ??= CreateStore();
    private ICheckpointStore? _store;

    private MetadataLog<OffsetSeq> Offsets => new(Store, "offsets", OffsetSeqFormat.Instance);

    private static OffsetSeq Entry(long end) =>
        new(1000, 2000, [new SourceOffsets("events", new Dictionary<int, long> { [0] = end, [1] = end + 1 })]);

    [Fact]
    public async Task Add_NewBatch_CanBeReadBack()
    {
        Assert.True(await Offsets.AddAsync(0, Entry(5)));

        var read = await Offsets.GetAsync(0);

        Assert.NotNull(read);
        Assert.Equal(1000, read.BatchWatermarkMs);
        Assert.Equal(2000, read.BatchTimestampMs);
        Assert.Equal(5, read.Sources[0][0]);
        Assert.Equal(6, read.Sources[0][1]);
    }

    [Fact]
    public async Task Add_ExistingBatch_ReturnsFalseAndKeepsTheFirstEntry()
    {
        await Offsets.AddAsync(3, Entry(5));

        Assert.False(await Offsets.AddAsync(3, Entry(99)));
        Assert.Equal(5, (await Offsets.GetAsync(3))!.Sources[0][0]);
    }

    [Fact]
    public async Task GetLatest_GivesTheHighestBatchId()
    {
        Assert.Null(await Offsets.GetLatestAsync());
        foreach (var id in new long[] { 0, 1, 2, 10 })
        {
            await Offsets.AddAsync(id, Entry(id));
        }

        var latest = await Offsets.GetLatestAsync();

        Assert.Equal(10, latest!.Value.BatchId);
        Assert.Equal(10, latest.Value.Entry.Sources[0][0]);
    }

    [Fact]
    public async Task Purge_DeletesEntriesBelowTheThreshold()
    {
        foreach (var id in new long[] { 0, 1, 2, 3 })
        {
            await Offsets.AddAsync(id, Entry(id));
        }

        await Offsets.PurgeAsync(2);

        Assert.Equal([2L, 3L], await Offsets.BatchIdsAsync());
    }

    [Fact]
    public async Task Get_FileWithoutVersionLine_IsCorruptNotEmpty()
    {
        await Store.TryCreateAsync("offsets/0", "{\"batchWatermarkMs\":0}");

        var e = await Assert.ThrowsAsync<CheckpointCorruptException>(() => Offsets.GetAsync(0));

        Assert.Contains("offsets/0", e.Message, StringComparison.Ordinal);
        Assert.Contains("new checkpointLocation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_TruncatedFile_IsCorrupt()
    {
        await Store.TryCreateAsync("offsets/0", "v1\n{\"batchWatermarkMs\":0,\"batchTim");

        await Assert.ThrowsAsync<CheckpointCorruptException>(() => Offsets.GetAsync(0));
    }

    [Fact]
    public async Task Get_EmptyFile_IsCorrupt()
    {
        await Store.TryCreateAsync("offsets/0", "");

        var e = await Assert.ThrowsAsync<CheckpointCorruptException>(() => Offsets.GetAsync(0));
        Assert.Contains("empty or truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchIds_StrayFileName_IsCorrupt()
    {
        await Store.TryCreateAsync("offsets/notabatch", "v1\n{}");

        await Assert.ThrowsAsync<CheckpointCorruptException>(() => Offsets.BatchIdsAsync());
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

public sealed class FolderMetadataLogTests : MetadataLogContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));

    private protected override ICheckpointStore CreateStore() => new FolderCheckpointStore(_folder);

    [Fact]
    public async Task Add_WritesSparkLikeTextReadableWithCat()
    {
        var log = new MetadataLog<OffsetSeq>(Store, "offsets", OffsetSeqFormat.Instance);
        await log.AddAsync(0, new OffsetSeq(0, 1700000000000, [new SourceOffsets("events", new Dictionary<int, long> { [1] = 118, [0] = 120 })]));

        var text = await File.ReadAllTextAsync(Path.Combine(_folder, "offsets", "0"));

        Assert.Equal("v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1700000000000,\"conf\":{\"watermarkPolicy\":\"min\"}}\n{\"events\":{\"0\":120,\"1\":118}}\n", text);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_folder, "offsets"), ".*"));
    }

    public override void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
        base.Dispose();
    }
}
