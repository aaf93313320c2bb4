namespace Sluice.Checkpointing;

/// <summary>
/// A query's exclusive hold on its checkpoint, held while it runs: an OS file lock for folders
/// (<see cref="CheckpointLock"/>), a lease for Azure Blob checkpoints (<see cref="Blob.BlobCheckpointLock"/>).
/// </summary>
internal interface ICheckpointLock : IDisposable
{
    /// <summary>
    /// Completes when the hold is gone while the query runs (a lease broken, or not renewed in time): another query may
    /// then write the checkpoint, so this one must stop writing. A folder lock is never lost while the process lives.
    /// </summary>
    Task Lost { get; }

    /// <summary>Throws <see cref="CheckpointLockLostException"/> once <see cref="Lost"/> has completed.</summary>
    void ThrowIfLost();
}
