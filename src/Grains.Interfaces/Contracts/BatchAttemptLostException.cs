namespace Sluice.Contracts;

/// <summary>
/// A grain of the batch in flight lost what the batch had sent it (its silo died and it came back empty on another):
/// a key group missing an agent's records, a sink missing a writer's rows. Committing would lose data, so the batch
/// fails, and the coordinator re-runs it from the checkpoint.
/// </summary>
[GenerateSerializer]
[Alias("sluice.BatchAttemptLostException")]
public sealed class BatchAttemptLostException : Exception
{
    public BatchAttemptLostException()
    {
    }

    public BatchAttemptLostException(string message)
        : base(message)
    {
    }

    public BatchAttemptLostException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
