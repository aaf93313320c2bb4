using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Tests.Checkpointing;

/// <summary>Which log files a purge keeps (Spark's minBatchesToRetain), run against each checkpoint store.</summary>
public abstract class CheckpointRetentionContractTests : IDisposable
{
    private protected abstract ICheckpointStore CreateStore();

    private protected ICheckpointStore Store => _store ??= CreateStore();
    private ICheckpointStore? _store;

    private Checkpoint Checkpoint => new(Store);

    private static OffsetSeq Entry(long end) => new(0, 1000 + end, [new SourceOffsets("events", new Dictionary<int, long> { [0] = end })]);

    /// <summary>Batches 0..committed with offsets and commits, batch committed + 1 planned only, and the files no purge may touch.</summary>
    private async Task WriteBatchesAsync(long committed)
    {
        await Checkpoint.LoadOrCreateMetadataAsync("q", 4);
        await Checkpoint.SourceStart(0).AddAsync(0, new SourceOffsets("events", new Dictionary<int, long> { [0] = 0 }));
        for (long id = 0; id <= committed + 1; id++)
        {
            await Checkpoint.Offsets.AddAsync(id, Entry(id));
            if (id <= committed)
            {
                await Checkpoint.Commits.AddAsync(id, new CommitEntry(id));
            }
        }
    }

    [Fact]
    public async Task PurgeLogs_KeepsTheLastRetainedBatchesThePendingOffsetsAndTheFilesRecoveryReads()
    {
        await WriteBatchesAsync(committed: 9);

        var deleted = await CheckpointRetention.PurgeLogsAsync(Checkpoint, committed: 9, minBatchesToRetain: 3);

        Assert.Equal(14, deleted);
        Assert.Equal([7L, 8, 9, 10], await Checkpoint.Offsets.BatchIdsAsync());
        Assert.Equal([7L, 8, 9], await Checkpoint.Commits.BatchIdsAsync());
        Assert.NotNull(await Store.ReadAsync("metadata"));
        Assert.NotNull(await Checkpoint.SourceStart(0).GetAsync(0));
    }

    [Fact]
    public async Task PurgeLogs_RetainingOneBatch_KeepsTheLatestCommitAndTheOffsetsThePendingBatchStartsFrom()
    {
        await WriteBatchesAsync(committed: 9);

        await CheckpointRetention.PurgeLogsAsync(Checkpoint, committed: 9, minBatchesToRetain: 1);

        // Recovery re-runs batch 10 from offsets/9's end offsets, with commits/9's watermark.
        Assert.Equal([9L, 10], await Checkpoint.Offsets.BatchIdsAsync());
        Assert.Equal(9, (await Checkpoint.Commits.GetLatestAsync())!.Value.BatchId);
        Assert.Equal(9, (await Checkpoint.Offsets.GetAsync(9))!.Sources[0][0]);
    }

    [Fact]
    public async Task PurgeLogs_WithFewerBatchesThanRetained_DeletesNothing()
    {
        await WriteBatchesAsync(committed: 4);

        Assert.Equal(0, await CheckpointRetention.PurgeLogsAsync(Checkpoint, committed: 4, minBatchesToRetain: 5));
        Assert.Equal([0L, 1, 2, 3, 4, 5], await Checkpoint.Offsets.BatchIdsAsync());
    }

    [Fact]
    public async Task AfterCommit_PurgesOffTheBatchPath_AndFinishCatchesUp()
    {
        await WriteBatchesAsync(committed: 20);
        var retention = new CheckpointRetention(Checkpoint, 5);

        retention.AfterCommit(19);
        await retention.WhenIdleAsync();
        Assert.Equal(15, (await Checkpoint.Commits.BatchIdsAsync())[0]);

        await retention.FinishAsync(20);
        Assert.Equal([16L, 17, 18, 19, 20], await Checkpoint.Commits.BatchIdsAsync());
        Assert.Equal([16L, 17, 18, 19, 20, 21], await Checkpoint.Offsets.BatchIdsAsync());
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

public sealed class FolderCheckpointRetentionTests : CheckpointRetentionContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));

    private protected override ICheckpointStore CreateStore() => new FolderCheckpointStore(_folder);

    public override void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
        base.Dispose();
    }
}

/// <summary>The <c>minBatchesToRetain</c> query option.</summary>
public sealed class CheckpointRetentionOptionTests
{
    private static QuerySpec Spec(params (string Key, string Value)[] options) => new()
    {
        Name = "q",
        Source = new SourceSpec { Kind = "memory" },
        Sink = new SinkSpec { Kind = "memory" },
        Options = options.ToDictionary(o => o.Key, o => o.Value),
    };

    [Fact]
    public void MinBatchesToRetain_Absent_IsSparksDefaultOf100() =>
        Assert.Equal(100, CheckpointRetention.MinBatchesToRetainOf(Spec()));

    [Fact]
    public void MinBatchesToRetain_Given_IsRead() =>
        Assert.Equal(5, CheckpointRetention.MinBatchesToRetainOf(Spec(("minBatchesToRetain", "5"))));

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("")]
    public void MinBatchesToRetain_BelowOneOrNotAWholeNumber_IsRefusedNamingTheOption(string value)
    {
        var error = Assert.Throws<QueryStartException>(() => CheckpointRetention.MinBatchesToRetainOf(Spec(("minBatchesToRetain", value))));

        Assert.Contains("$.options.minBatchesToRetain", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at least 1 (default 100), found '{value}'", error.Message, StringComparison.Ordinal);
    }
}
