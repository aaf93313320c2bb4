namespace Sluice.Checkpointing;

/// <summary>The query lost its exclusive hold on its checkpoint: it stops rather than write beside another query.</summary>
internal sealed class CheckpointLockLostException(string location, string cause)
    : Exception($"The query lost its lock on checkpoint {location} ({cause}): another query may now write this checkpoint, " +
                "so this one stopped before committing anything more. Make sure no other query runs on it, then start it again; " +
                "the batch in flight re-runs from the checkpoint.");
