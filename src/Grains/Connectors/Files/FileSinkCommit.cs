using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>What a commit added: the data files its manifest entry lists and their rows (none when committed before).</summary>
internal sealed record FileSinkCommit(IReadOnlyList<FileSinkManifest.DataFile> Files, long Rows)
{
    public static readonly FileSinkCommit AlreadyCommitted = new([], 0);
}
