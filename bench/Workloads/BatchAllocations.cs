using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.Bench.Workloads;

/// <summary>
/// The process's allocated bytes and CPU time as each batch of one query reports its progress (the listener's event, in the same
/// process as the silo), so a run's later batches can be told from its start: a new query's first batches grow its
/// agents', key groups' and stores' buffers from empty, which a long-running query pays once. What the later batches
/// allocate and spend per event (<see cref="SteadyBytesPerEvent"/>, <see cref="SteadyCpuNsPerEvent"/>) is what a
/// long-running query pays batch after batch.
/// </summary>
internal sealed class BatchAllocations
{
    /// <summary>The data batches left out as the run's start-up (its buffers growing to the run's size).</summary>
    public const int StartBatches = 2;

    private readonly string _query;
    private readonly List<(long InputRows, long Allocated, TimeSpan Cpu)> _batches = [];

    private BatchAllocations(string query) => _query = query;

    /// <summary>Starts recording the batches of the query named <paramref name="query"/>; dispose the subscription after the run.</summary>
    public static async Task<(BatchAllocations Recorder, IAsyncDisposable Subscription)> StartAsync(SluiceClient client, string query)
    {
        var recorder = new BatchAllocations(query);
        var subscription = await client.AddListenerAsync(recorder.OnEventAsync);
        return (recorder, subscription);
    }

    /// <summary>
    /// Bytes allocated per event from the end of the first <see cref="StartBatches"/> data batches to the end of the
    /// last, over the events of the batches between; null when the run had too few data batches to leave some out.
    /// </summary>
    public double? SteadyBytesPerEvent => PerLaterEvent(b => b.Allocated);

    /// <summary>The process's CPU time (every thread) per event over the same batches as <see cref="SteadyBytesPerEvent"/>, in ns.</summary>
    public double? SteadyCpuNsPerEvent => PerLaterEvent(b => (long)b.Cpu.TotalNanoseconds);

    private double? PerLaterEvent(Func<(long InputRows, long Allocated, TimeSpan Cpu), long> measure)
    {
        lock (_batches)
        {
            if (_batches.Count < StartBatches + 2)
            {
                return null;
            }
            var events = _batches.Skip(StartBatches).Sum(b => b.InputRows);
            return (double)(measure(_batches[^1]) - measure(_batches[StartBatches - 1])) / events;
        }
    }

    private Task OnEventAsync(QueryListenerEvent e)
    {
        if (e.Kind == QueryEventKind.Progress && e.Query.Name == _query && e.Progress is { NumInputRows: > 0 } progress)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = SluiceRun.ProcessCpu();
            lock (_batches)
            {
                _batches.Add((progress.NumInputRows, allocated, cpu));
            }
        }
        return Task.CompletedTask;
    }
}
