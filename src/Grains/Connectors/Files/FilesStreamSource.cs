using Sluice.Sources;
using Sluice.Storage;

namespace Sluice.Connectors.Files;

/// <summary>
/// The planning side of a <c>files</c> source (Spark's FileStreamSource): one partition whose offsets count the files
/// taken. Each look for new data lists the folder, takes the files not seen before (oldest first, or newest first with
/// <c>latestFirst</c>; none older than the newest seen minus <c>maxFileAge</c>) and records them in the
/// <see cref="FileSourceLog"/> before any batch can plan them, so a batch's offset range names its files for good.
/// <c>maxFilesPerTrigger</c> caps the files per batch (the engine's per-trigger cap, counted in files).
/// </summary>
internal sealed class FilesStreamSource(IFileStore store, FileSourceLog log, FilesSourceSettings settings) : IStreamSource
{
    private List<FileSourceLog.FileEntry>? _taken;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private long _newestMs = long.MinValue;

    public string Description => $"FileStreamSource[{store.Location}]";

    public string OffsetKey => "files:" + store.Location;

    public Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long> { [0] = 0 });

    public async Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken)
    {
        var taken = await TakenAsync(cancellationToken);
        var threshold = settings.AgeApplies && _newestMs != long.MinValue ? _newestMs - (long)settings.MaxFileAge.TotalMilliseconds : long.MinValue;
        var fresh = (await store.ListAsync(cancellationToken)).Where(f => !_seen.Contains(f.Path) && f.ModifiedMs >= threshold);
        var ordered = settings.LatestFirst
            ? fresh.OrderByDescending(f => f.ModifiedMs).ThenBy(f => f.Path, StringComparer.Ordinal)
            : fresh.OrderBy(f => f.ModifiedMs).ThenBy(f => f.Path, StringComparer.Ordinal);
        var added = ordered.Select((f, i) => new FileSourceLog.FileEntry(taken.Count + i, f.Path, f.Size, f.ModifiedMs)).ToList();
        if (added.Count > 0)
        {
            if (!await log.AddAsync(await log.NextIdAsync(cancellationToken), added, cancellationToken))
            {
                throw new InvalidOperationException($"{log} gained an entry while this run listed new files: another process runs this query's checkpoint.");
            }
            Remember(added);
        }
        return new Dictionary<int, long> { [0] = taken.Count };
    }

    public void Dispose()
    {
    }

    private async Task<List<FileSourceLog.FileEntry>> TakenAsync(CancellationToken cancellationToken)
    {
        if (_taken is null)
        {
            _taken = [];
            Remember(await log.ReadAllAsync(cancellationToken));
        }
        return _taken;
    }

    private void Remember(IEnumerable<FileSourceLog.FileEntry> files)
    {
        foreach (var file in files)
        {
            _taken!.Add(file);
            _seen.Add(file.Path);
            _newestMs = Math.Max(_newestMs, file.ModifiedMs);
        }
    }
}
