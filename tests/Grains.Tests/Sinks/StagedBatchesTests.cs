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

    [Fact]
    public async Task Stage_LargeWriter_IsHeldEncodedAndCommitsEveryRowOnceAcrossARetriedStaging()
    {
        // A close's output: many rows per writer, one window value shared by all of them.
        var window = new StructValue([new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 1, 0, 0, 10, DateTimeKind.Utc)]);
        RowBatch Close(int from, int count) => new(Schema, [.. Enumerable.Range(from, count).Select(i => new object?[] { window, (long)i, 1L })]);
        var staged = new StagedBatches(encodeFrom: 100);
        staged.Stage(7, "kg-1", Close(1_000, 500));
        staged.Stage(7, "kg-0", Close(0, 1_000));
        // The key group re-runs its close (a restart in the middle of it): staging again replaces its rows.
        staged.Stage(7, "kg-0", Close(0, 1_000));
        staged.Stage(7, "kg-2", Close(1_500, 3));
        Assert.Equal(1_503, staged.RowsStaged(7));

        var batches = new List<List<long>>();
        Task<long> Write(List<IReadOnlyList<object?[]>> writers)
        {
            Assert.IsType<EncodedRows>(writers[0]);
            Assert.IsType<List<object?[]>>(writers[2]);
            var rows = new ConcatRows(writers);
            Assert.All(rows, r => Assert.Equal(window, r[0]));
            batches.Add([.. rows.Select(r => (long)r[1]!)]);
            return Task.FromResult((long)rows.Count);
        }

        Assert.Equal(1_503, await staged.CommitStagedAsync<long>(7, -1, Write));
        staged.Stage(7, "kg-0", Close(0, 1_000));
        Assert.Equal(-1, await staged.CommitStagedAsync<long>(7, -1, Write));

        Assert.Equal(Enumerable.Range(0, 1_503).Select(i => (long)i), Assert.Single(batches));
    }

    [Fact]
    public async Task Commit_LargeWriter_ListsOfObjectsForSinksThatNeedThem()
    {
        var staged = new StagedBatches(encodeFrom: 2);
        staged.Stage(0, "kg-0", Rows(1, 2, 3));

        var written = await staged.CommitAsync<List<int>>(0, [], writers => Task.FromResult(writers.Single().Select(r => (int)r[0]!).ToList()));

        Assert.Equal([1, 2, 3], written);
    }
}
