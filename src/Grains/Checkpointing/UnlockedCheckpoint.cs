namespace Sluice.Checkpointing;

/// <summary>
/// The hold on a checkpoint in a store without locks or leases (S3): never lost. A second run on the same checkpoint
/// is stopped only when its log write finds the entry written (create-if-absent), so the docs say to run one at a time.
/// </summary>
internal sealed class UnlockedCheckpoint : ICheckpointLock
{
    public Task Lost { get; } = new TaskCompletionSource().Task;

    public void ThrowIfLost()
    {
    }

    public void Dispose()
    {
    }
}
