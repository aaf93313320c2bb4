using Sluice.Data;
using Sluice.Sinks;

namespace Sluice.Tests.Sinks;

/// <summary>The one commit rule of every sink: a batch is committed only once its write returned.</summary>
public sealed class StagedBatchesTests
{
    private static readonly StreamSchema Schema = new([new Column("id", DataType.Int)]);

    private static RowBatch Rows(params int[] ids) => new(Schema, [.. ids.Select(id => new object?[] { id })]);

    [Fact]
    public async Task Commit_WriteThrows_BatchStaysUncommittedAndItsReplayIsWritten()
    {
        var staged = new StagedBatches();
        staged.Stage(3, "agent-0", Rows(1, 2));

        await Assert.ThrowsAsync<IOException>(() => staged.CommitAsync<long>(3, -1, _ => throw new IOException("disk full")));

        Assert.Equal(-1, staged.LastCommittedBatchId);
        Assert.Equal(0, staged.RowsStaged(3));
        staged.Stage(3, "agent-0", Rows(1, 2));
        Assert.Equal(2, staged.RowsStaged(3));
        var written = await staged.CommitAsync<long>(3, -1, writers => Task.FromResult((long)writers.Sum(w => w.Count)));
        Assert.Equal(2, written);
        Assert.Equal(3, staged.LastCommittedBatchId);
        Assert.Equal(-1, staged.RowsStaged(3));
    }

    [Fact]
    public async Task Commit_WriteReturned_ReplayDoesNotWriteAgain()
    {
        var staged = new StagedBatches();
        staged.Stage(0, "agent-b", Rows(3));
        staged.Stage(0, "agent-a", Rows(1, 2));
        var calls = new List<List<List<object?[]>>>();
        Task<long> Write(List<List<object?[]>> writers)
        {
            calls.Add(writers);
            return Task.FromResult(0L);
        }

        await staged.CommitAsync<long>(0, -1, Write);
        staged.Stage(0, "agent-a", Rows(1, 2));
        Assert.Equal(-1, await staged.CommitAsync<long>(0, -1, Write));

        Assert.Equal([[1, 2], [3]], calls.Single().Select(w => w.Select(r => (int)r[0]!).ToList()));
    }
}
