using Sluice.Contracts;

namespace Sluice.Security;

/// <summary>
/// Folders a spec's paths must stay under: the base folder relative paths resolve in (with the setting that names it),
/// and the operator's extra roots. A path is allowed when it lies strictly inside one of them both as written (after
/// <c>..</c> is resolved) and as the file system resolves it (after symbolic links are followed).
/// </summary>
internal sealed class PathRoots
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _baseSetting;
    private readonly IReadOnlyList<string> _roots;

    /// <param name="baseRoot">The folder relative paths resolve under; made absolute against the working directory.</param>
    /// <param name="baseSetting">The setting that names <paramref name="baseRoot"/>, for messages (e.g. <c>Sluice:CheckpointRoot</c>).</param>
    /// <param name="extraRoots">More folders paths may be under (<c>Sluice:AllowedRoots</c>).</param>
    public PathRoots(string baseRoot, string baseSetting, IEnumerable<string> extraRoots)
    {
        BaseRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseRoot));
        _baseSetting = baseSetting;
        _roots = [BaseRoot, .. extraRoots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)))];
    }

    public string BaseRoot { get; }

    /// <summary>Where checkpoint folders may be: <c>Sluice:CheckpointRoot</c> and <c>Sluice:AllowedRoots</c>.</summary>
    public static PathRoots ForCheckpoints(Hosting.SluiceOptions options) =>
        new(options.CheckpointRoot, "Sluice:CheckpointRoot", options.AllowedRoots);

    /// <summary>Where file sinks write and tables are read: <c>Sluice:DataRoot</c> (or the checkpoint root) and <c>Sluice:AllowedRoots</c>.</summary>
    public static PathRoots ForData(Hosting.SluiceOptions options) =>
        new(options.DataFolder, string.IsNullOrWhiteSpace(options.DataRoot) ? "Sluice:DataRoot (unset: Sluice:CheckpointRoot)" : "Sluice:DataRoot", options.AllowedRoots);

    /// <summary>
    /// The absolute path <paramref name="path"/> names (relative ones under <see cref="BaseRoot"/>), or a
    /// <see cref="QueryStartException"/> that names the path and the allowed roots. <paramref name="what"/> says whose path it is.
    /// </summary>
    public string Confine(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw Refused(what, path, "is empty or holds a NUL character");
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(BaseRoot, path.Trim())));
        if (!_roots.Any(root => IsInside(full, root)))
        {
            var how = HasParentSegment(path) ? $"leads through '..' to '{full}'" : $"resolves to '{full}'";
            throw Refused(what, path, $"{how}, which is not inside an allowed root");
        }
        string real;
        try
        {
            real = RealPath.Of(full);
        }
        catch (IOException e)
        {
            throw Refused(what, path, $"cannot be resolved ({e.Message})");
        }
        if (!_roots.Any(root => IsInside(real, RealOf(root))))
        {
            throw Refused(what, path, $"goes through a symbolic link to '{real}', which is not inside an allowed root");
        }
        return full;
    }

    /// <summary>The allowed roots, for messages and docs.</summary>
    public string Describe() => string.Join(", ", _roots.Select(r => $"'{r}'"));

    private QueryStartException Refused(string what, string path, string problem) =>
        new($"{what} '{path}' {problem}. Allowed roots: {Describe()} ({_baseSetting} and Sluice:AllowedRoots). " +
            "Use a path inside one of them (relative paths resolve under the first), or ask the operator to add a root to Sluice:AllowedRoots.");

    private static string RealOf(string root)
    {
        try
        {
            return RealPath.Of(root);
        }
        catch (IOException)
        {
            return root;
        }
    }

    /// <summary>Strictly inside: a root itself holds other queries' folders, so no query may take it whole.</summary>
    private static bool IsInside(string path, string root)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }

    private static bool HasParentSegment(string path) =>
        path.Split(['/', '\\'], StringSplitOptions.None).Any(segment => segment == "..");
}
