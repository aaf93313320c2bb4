namespace Sluice.Checkpointing;

/// <summary>
/// A checkpoint file that cannot be read as written: the query stops rather than start over and lose or repeat data.
/// </summary>
internal sealed class CheckpointCorruptException(string file, string problem)
    : Exception($"Checkpoint file '{file}' is unreadable: {problem}. The query will not start from it, because starting over " +
                "would lose or repeat data. Restore the file, or start the query with a new checkpointLocation " +
                "(its startingOffsets then decide where it begins).");
