namespace Sluice.Storage;

/// <summary>
/// A folder of data files: a local folder, an Azure Blob prefix or an S3 prefix. Names starting with '.' or '_' are
/// never listed: writers put a file there under such a name and rename it into place when complete (Spark's and
/// Hadoop's convention), so a listing never returns a half-written file.
/// </summary>
public interface IFileStore
{
    /// <summary>The folder, for messages.</summary>
    string Location { get; }

    /// <summary>
    /// The files in the folder and its subfolders (Spark reads partition folders such as <c>date=2026-01-01/</c>), in no
    /// particular order; files under a hidden or in-progress folder are not listed (<see cref="FileNames.IsDataPath"/>).
    /// </summary>
    Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The whole content of a file <see cref="ListAsync"/> returned.</summary>
    Task<byte[]> ReadAllAsync(string path, CancellationToken cancellationToken);

    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Moves a file under <paramref name="archiveRoot"/>, keeping its path (Spark's <c>cleanSource=archive</c>).</summary>
    Task ArchiveAsync(string path, string archiveRoot, CancellationToken cancellationToken);
}
