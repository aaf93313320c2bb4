namespace Sluice.Security;

/// <summary>
/// The real location of a path, as <c>realpath(3)</c> finds it: every symbolic link (or junction) on the way is followed,
/// and a <c>..</c> after a link leaves the link's target, not the link's folder. The part of the path that does not exist
/// yet is appended as written, so a folder a query would create is judged by the real folder it would be created in.
/// </summary>
internal static class RealPath
{
    // Linux's own limit on links followed in one lookup (ELOOP).
    private const int MaxLinks = 40;

    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <summary>The real path of <paramref name="fullPath"/> (an absolute path); throws <see cref="IOException"/> on a loop of links.</summary>
    public static string Of(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) is { Length: > 0 } r ? r : throw new ArgumentException($"'{fullPath}' is not an absolute path", nameof(fullPath));
        // Components still to walk, the next on top.
        var pending = new Stack<string>(Components(fullPath[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            if (LinkTarget(next) is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"'{fullPath}' goes through more than {MaxLinks} symbolic links (a loop?)");
                }
                if (Path.GetPathRoot(target) is { Length: > 0 } targetRoot)
                {
                    current = targetRoot;
                    target = target[targetRoot.Length..];
                }
                foreach (var component in Components(target).Reverse())
                {
                    pending.Push(component);
                }
                continue;
            }
            if (!File.Exists(next) && !Directory.Exists(next))
            {
                // Nothing below a missing folder exists, so nothing below it can be a link.
                return Path.GetFullPath(Path.Combine([next, .. pending]));
            }
            current = next;
        }
        return current;
    }

    private static IEnumerable<string> Components(string path) => path.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            // Not there, or not readable as a link: not a link this walk can follow.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
