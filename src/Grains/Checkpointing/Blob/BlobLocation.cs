using System.Text.RegularExpressions;
using Sluice.Contracts;

namespace Sluice.Checkpointing.Blob;

/// <summary>A checkpoint location <c>azblob://&lt;container&gt;/&lt;prefix...&gt;</c>; the account comes from the connection string.</summary>
internal readonly partial record struct BlobLocation(string Container, string Prefix)
{
    public const string Scheme = "azblob://";

    public static bool IsBlob(string location) => location.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses an <c>azblob://</c> location; a malformed one is a <see cref="QueryStartException"/> that shows the expected form.</summary>
    public static BlobLocation Parse(string location)
    {
        if (!IsBlob(location))
        {
            throw Invalid(location, $"it does not start with {Scheme}");
        }
        var rest = location[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (!ContainerName().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
        {
            throw Invalid(location, $"'{container}' is not a valid container name (3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit)");
        }
        if (prefix.Length > 0 && prefix.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw Invalid(location, $"the prefix '{prefix}' has an empty, '.' or '..' segment");
        }
        return new BlobLocation(container, prefix);
    }

    private static QueryStartException Invalid(string location, string problem) =>
        new($"Checkpoint location '{location}' is not a blob location: {problem}. Write it as azblob://<container>/<prefix>, e.g. azblob://checkpoints/revenue.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();
}
