namespace Sluice.Checkpointing;

/// <summary>
/// Where a checkpoint's files live: a local (or shared) folder, or an Azure Blob container prefix (<c>azblob://container/prefix</c>). Paths are relative,
/// with '/' separators. Writes are create-if-absent and atomic: a reader never sees half a file, and an
/// existing file is never overwritten.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>A description for messages (the folder's full path).</summary>
    string Location { get; }

    /// <summary>Creates <paramref name="path"/> with <paramref name="content"/>; false when it already exists.</summary>
    Task<bool> TryCreateAsync(string path, string content, CancellationToken cancellationToken = default);

    /// <summary>Creates a binary file (state snapshots and changelogs); false when it already exists.</summary>
    Task<bool> TryCreateBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>A binary file's content, or null when it does not exist.</summary>
    Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>The file's content, or null when it does not exist.</summary>
    Task<string?> ReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>The names (not paths) of the files directly under <paramref name="directory"/>.</summary>
    Task<IReadOnlyList<string>> ListAsync(string directory, CancellationToken cancellationToken = default);

    Task DeleteAsync(string path, CancellationToken cancellationToken = default);
}
