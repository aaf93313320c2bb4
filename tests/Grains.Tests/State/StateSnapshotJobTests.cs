using Sluice.Checkpointing;
using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>Snapshot jobs of the process build their files a few at a time, so they cannot take every pool thread.</summary>
public sealed class StateSnapshotJobTests : IDisposable
{
    private static readonly TimeSpan Stuck = TimeSpan.FromMinutes(1);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-snapshot-job-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Jobs_DueTogether_BuildAtMostMaxConcurrentWritersAtOnce_AndAllComplete()
    {
        var checkpoint = new FolderCheckpointStore(_root);
        var release = new ManualResetEventSlim();
        var sources = Enumerable.Range(0, StateSnapshotJob.MaxConcurrentWriters + 2).Select(_ => new BlockingSource(release)).ToList();

        var jobs = sources.Select((source, kg) =>
            StateSnapshotJob.Start(new StateCheckpointFiles(checkpoint, new StateStoreId(1, kg)), 3, 1, 2, source)).ToList();
        // Every job is started; as many as may build at once get in (others' snapshots in this process may delay them).
        await WaitUntilAsync(() => BlockingSource.Building >= StateSnapshotJob.MaxConcurrentWriters);
        // The rest had their chance to start building too: without a bound they would be in by now.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var building = sources.Count(s => s.Entered);
        release.Set();
        var outcomes = await Task.WhenAll(jobs.Select(j => j.Completion)).WaitAsync(Stuck);

        Assert.Equal(StateSnapshotJob.MaxConcurrentWriters, building);
        Assert.All(outcomes, o => Assert.True(o.Written, o.Error?.ToString()));
        Assert.All(sources, s => Assert.True(s.Disposed));
        Assert.Equal(sources.Count, Directory.GetFiles(_root, "3.snapshot", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Job_CancelledWhileWaitingForItsTurn_LetsGoOfItsSource()
    {
        var checkpoint = new FolderCheckpointStore(_root);
        var release = new ManualResetEventSlim();
        var holders = Enumerable.Range(0, StateSnapshotJob.MaxConcurrentWriters).Select(_ => new BlockingSource(release)).ToList();
        var holding = holders.Select((source, kg) =>
            StateSnapshotJob.Start(new StateCheckpointFiles(checkpoint, new StateStoreId(1, kg)), 3, 1, 2, source)).ToList();
        await WaitUntilAsync(() => holders.All(h => h.Entered));
        var waiting = new BlockingSource(release);
        var job = StateSnapshotJob.Start(new StateCheckpointFiles(checkpoint, new StateStoreId(2, 0)), 3, 1, 2, waiting);

        await Task.Run(job.CancelAndWait).WaitAsync(Stuck);
        release.Set();
        await Task.WhenAll(holding.Select(j => j.Completion)).WaitAsync(Stuck);

        Assert.False((await job.Completion).Written);
        Assert.True(waiting.Disposed);
        Assert.False(waiting.Entered);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Stuck;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the jobs never started building");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A snapshot of one row whose building blocks until released, counting the sources building at once.</summary>
    private sealed class BlockingSource(ManualResetEventSlim release) : IStateSnapshotSource
    {
        private static int s_building;

        public static int Building => Volatile.Read(ref s_building);

        public bool Entered { get; private set; }

        public bool Disposed { get; private set; }

        public void WriteTo(StateFileWriter writer, CancellationToken cancellationToken)
        {
            Entered = true;
            Interlocked.Increment(ref s_building);
            try
            {
                release.Wait(cancellationToken);
                writer.Put([1], [2]);
            }
            finally
            {
                Interlocked.Decrement(ref s_building);
            }
        }

        public void Dispose() => Disposed = true;
    }
}
