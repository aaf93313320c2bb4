using Sluice.Contracts;

namespace Sluice.Coordinator;

/// <summary>
/// Whether a batch failed because part of the cluster went away (a silo died or cannot be reached, a grain call timed
/// out, a grain lost the batch's data with its silo) rather than because of the query: such a batch is re-run on a
/// new run from the checkpoint, as Spark re-runs the tasks of a lost executor.
/// </summary>
internal static class SiloLoss
{
    public static bool Caused(Exception e) => Chain(e).Any(static x => x switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or BatchAttemptLostException => true,
        // Orleans' ConnectionFailedException is internal to its messaging layer.
        _ => x.GetType().Name == "ConnectionFailedException",
    });

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        while (pending.TryPop(out var x))
        {
            yield return x;
            if (x is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (x.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
