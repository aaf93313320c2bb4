namespace Sluice.Checkpointing;

/// <summary>
/// An exclusive OS lock on a checkpoint folder's <c>.lock</c> file, held while a query runs on it, so a
/// second query (in this process or another) cannot run on the same checkpoint. The OS frees it if the process dies.
/// </summary>
internal sealed class CheckpointLock : IDisposable
{
    private readonly FileStream _file;

    private CheckpointLock(FileStream file) => _file = file;

    public static CheckpointLock Acquire(string folder, string queryName)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, ".lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true))
            {
                writer.Write($"{queryName} pid {Environment.ProcessId} since {DateTime.UtcNow:O}\n");
            }
            file.Flush();
            return new CheckpointLock(file);
        }
        catch (IOException)
        {
            var owner = TryReadOwner(path);
            throw new Contracts.QueryStartException(
                $"Checkpoint '{Path.GetFullPath(folder)}' is in use by a running query{(owner is null ? "" : $" ({owner})")}. " +
                "Stop that query first, or give this one another checkpointLocation.");
        }
    }

    private static string? TryReadOwner(string path)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadLine();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
