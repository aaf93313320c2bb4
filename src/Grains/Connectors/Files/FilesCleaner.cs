using Sluice.Sources;
using Sluice.Storage;

namespace Sluice.Connectors.Files;

/// <summary>
/// Spark's <c>cleanSource</c>: after a batch commits, its files are archived (moved under <c>sourceArchiveDir</c>,
/// keeping their path) or deleted. Best effort, as in Spark: a file that cannot be moved stays, and the query goes on.
/// </summary>
internal sealed class FilesCleaner(IFileStore store, FileSourceLog log, FilesSourceSettings settings) : IOffsetCommitter
{
    private long _cleanedUpTo = -1;

    public async Task CommitAsync(IReadOnlyDictionary<int, long> endOffsets, CancellationToken cancellationToken)
    {
        var end = endOffsets.GetValueOrDefault(0);
        var files = await log.ReadAllAsync(cancellationToken);
        // A new run also cleans what an earlier run committed but had no time to clean (it stopped in between).
        var present = _cleanedUpTo < 0 ? (await store.ListAsync(cancellationToken)).Select(f => f.Path).ToHashSet(StringComparer.Ordinal) : null;
        for (var i = Math.Max(0, _cleanedUpTo); i < end && i < files.Count; i++)
        {
            var path = files[(int)i].Path;
            if (present is not null && !present.Contains(path))
            {
                continue;
            }
            try
            {
                if (settings.CleanSource == "delete")
                {
                    await store.DeleteAsync(path, cancellationToken);
                }
                else
                {
                    await store.ArchiveAsync(path, settings.SourceArchiveDir!, cancellationToken);
                }
            }
            catch (IOException)
            {
                // Best effort (Spark logs and goes on): the file stays in the folder, already taken, so it is not read again.
            }
        }
        _cleanedUpTo = end;
    }

    public void Dispose()
    {
    }
}
