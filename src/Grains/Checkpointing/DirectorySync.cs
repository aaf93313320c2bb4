using System.Runtime.InteropServices;

namespace Sluice.Checkpointing;

/// <summary>
/// Makes a rename in a folder durable. Renaming a temp file over its final name is atomic, but on Linux the new
/// directory entry is only on disk once the directory itself is fsynced: a power loss right after a commit file was
/// "written" could otherwise lose it. .NET cannot open a directory as a file, so this calls the C library.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int InvalidArgument = 22;

    /// <summary>
    /// Fsyncs <paramref name="directory"/>; false where the OS or the file system has no such call (Windows journals
    /// renames itself; some network file systems refuse fsync on a directory).
    /// </summary>
    /// <exception cref="IOException">The directory could not be opened or synced.</exception>
    public static bool Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }
        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open folder '{directory}' to sync it to disk (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Fsync(fd) == 0)
            {
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            return errno == InvalidArgument
                ? false
                : throw new IOException($"Cannot sync folder '{directory}' to disk (errno {errno}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
