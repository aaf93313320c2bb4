namespace Sluice.Checkpointing;

/// <summary>
/// A checkpoint in a local (or shared) folder. Writes go to a temp file (written through), then a no-overwrite move,
/// then the folder is synced so the move itself survives a power loss.
/// </summary>
internal sealed class FolderCheckpointStore(string root, Func<string, bool>? syncFolder = null) : ICheckpointStore
{
    private readonly Func<string, bool> _syncFolder = syncFolder ?? DirectorySync.Flush;

    public string Location { get; } = Path.GetFullPath(root);

    public Task<bool> TryCreateAsync(string path, string content, CancellationToken cancellationToken = default) =>
        TryCreateBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(content), cancellationToken);

    /// <remarks>
    /// The whole sequence runs on a thread of <see cref="BlockingIo"/>: its two syncs block for as long as the disk
    /// takes, which on the caller's turn (the coordinator's, a key group's) or the thread pool held a worker the batch
    /// needed. The caller's thread only queues it; the order of the writes and what is durable on return are unchanged.
    /// </remarks>
    public Task<bool> TryCreateBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        BlockingIo.RunAsync(() => TryCreate(path, content.Span, cancellationToken));

    private bool TryCreate(string path, ReadOnlySpan<byte> content, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        if (File.Exists(target))
        {
            return false;
        }
        CreateFolder(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // A state snapshot given up when its store closed is given up before it writes anything.
            cancellationToken.ThrowIfCancellationRequested();
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
            stream.Write(content);
        }
        catch
        {
            // A cancelled or failed write leaves no temp file behind.
            File.Delete(temp);
            throw;
        }
        try
        {
            // The move fails if the target appeared meanwhile: the first writer wins and nothing is overwritten.
            File.Move(temp, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(temp);
            return false;
        }
        _syncFolder(Path.GetDirectoryName(target)!);
        return true;
    }

    public async Task<string?> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = Resolve(path);
        return File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : null;
    }

    public async Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = Resolve(path);
        return File.Exists(file) ? await File.ReadAllBytesAsync(file, cancellationToken) : null;
    }

    public Task<IReadOnlyList<string>> ListAsync(string directory, CancellationToken cancellationToken = default)
    {
        var dir = Resolve(directory);
        IReadOnlyList<string> names = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => n!).ToList()
            : [];
        return Task.FromResult(names);
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        File.Delete(Resolve(path));
        return Task.CompletedTask;
    }

    /// <summary>Creates a missing folder (and missing parents), syncing each parent so the new entry is durable too.</summary>
    private void CreateFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }
        var parent = Path.GetDirectoryName(folder)!;
        CreateFolder(parent);
        Directory.CreateDirectory(folder);
        _syncFolder(parent);
    }

    private string Resolve(string path) => Path.Combine(Location, path.Replace('/', Path.DirectorySeparatorChar));
}
