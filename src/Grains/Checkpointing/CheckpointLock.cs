namespace Sluice.Checkpointing;

/// <summary>
/// An exclusive OS lock on a checkpoint folder's <c>.lock</c> file, held while a query runs on it, so a
/// second query (in this process or another) cannot run on the same checkpoint. The OS frees it if the process dies.
/// </summary>
internal sealed class CheckpointLock : ICheckpointLock
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    private readonly FileStream _file;

    private CheckpointLock(FileStream file) => _file = file;

    public static CheckpointLock Acquire(string folder, string queryName)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, ".lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The locked file cannot be read by others, so who holds it goes in a file beside it.
            File.WriteAllText(OwnerPath(folder), $"query '{queryName}', process {Environment.ProcessId}, since {DateTime.UtcNow:O}");
            return new CheckpointLock(file);
        }
        catch (IOException)
        {
            var owner = TryReadOwner(OwnerPath(folder));
            throw new Contracts.QueryStartException(
                $"Checkpoint '{Path.GetFullPath(folder)}' is in use by a running query{(owner is null ? "" : $" ({owner})")}. " +
                "Stop that query first, or give this one another checkpointLocation.");
        }
    }

    private static string? TryReadOwner(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string OwnerPath(string folder) => Path.Combine(folder, ".lock-owner");

    /// <summary>Never completes: the OS holds the lock until the process ends or it is disposed.</summary>
    public Task Lost => Never;

    public void ThrowIfLost()
    {
    }

    public void Dispose() => _file.Dispose();
}
