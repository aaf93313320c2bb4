using System.Collections.Concurrent;

namespace Sluice.Checkpointing;

/// <summary>
/// Threads of their own for the checkpoint's synced writes (a write-through file, a rename, a folder fsync). Each of
/// those calls blocks its thread for as long as the disk takes, from a fraction of a millisecond to tens of
/// milliseconds when other writers fill the file system's journal. On the thread pool (two workers on two cores) or on
/// a grain's turn, every such wait took a worker from the agents and key groups of the very batch it was for; here it
/// only takes a thread that does nothing else. Threads start on demand, up to <see cref="MaxThreads"/>, and stay.
/// </summary>
internal static class BlockingIo
{
    /// <summary>Enough for the key groups of a commit to sync at once: concurrent fsyncs share the journal's commits.</summary>
    public const int MaxThreads = 16;

    private static readonly BlockingCollection<Action> Queue = [];
    private static int _threads;
    private static int _idle;

    /// <summary>Runs <paramref name="work"/> on an I/O thread; its result, exception or cancellation is the task's.</summary>
    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (OperationCanceledException e)
            {
                done.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        StartThreadIfAllBusy();
        return done.Task;
    }

    private static void StartThreadIfAllBusy()
    {
        while (true)
        {
            var threads = Volatile.Read(ref _threads);
            if (Volatile.Read(ref _idle) > 0 || threads >= MaxThreads)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _threads, threads + 1, threads) == threads)
            {
                new Thread(Work) { IsBackground = true, Name = "Sluice checkpoint I/O" }.Start();
                return;
            }
        }
    }

    private static void Work()
    {
        while (true)
        {
            Interlocked.Increment(ref _idle);
            var work = Queue.Take();
            Interlocked.Decrement(ref _idle);
            work();
        }
    }
}
