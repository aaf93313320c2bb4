namespace Sluice.Storage;

/// <summary>A local or shared folder.</summary>
internal sealed class LocalFileStore(string folder) : IFileStore
{
    public string Location => folder;

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            return Task.FromResult<IReadOnlyList<StoredFile>>([]);
        }
        var root = new DirectoryInfo(folder);
        var files = root.EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => FileNames.IsDataPath(Path.GetRelativePath(root.FullName, f.FullName)))
            .Select(f => new StoredFile(f.FullName, f.Length, new DateTimeOffset(f.LastWriteTimeUtc).ToUnixTimeMilliseconds()))
            .ToList();
        return Task.FromResult<IReadOnlyList<StoredFile>>(files);
    }

    public Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken) => File.ReadAllBytesAsync(path, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        File.Delete(path);
        return Task.CompletedTask;
    }

    public Task ArchiveAsync(string path, string archiveRoot, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var target = Path.Combine(archiveRoot, full[Path.GetPathRoot(full)!.Length..]);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(full, target, overwrite: true);
        return Task.CompletedTask;
    }
}
