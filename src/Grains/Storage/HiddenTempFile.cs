namespace Sluice.Storage;

/// <summary>
/// Writes a data file into a folder whole or not at all: under a hidden temporary name (Spark and Hadoop readers skip
/// names starting with '.' or '_'), written through to disk, then renamed into place.
/// </summary>
internal static class HiddenTempFile
{
    /// <returns>The file's path.</returns>
    public static async Task<string> WriteAsync(string folder, string name, Func<Stream, Task> write)
    {
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.WriteThrough))
            {
                await write(stream);
            }
            var target = Path.Combine(folder, name);
            File.Move(temp, target, overwrite: true);
            return target;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
